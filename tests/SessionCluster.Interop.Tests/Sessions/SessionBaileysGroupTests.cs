using System.Net;
using System.Net.Http.Json;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using SessionCluster.Interop.Tests.Simulator;
using SessionCluster.Sessions;
using SessionCluster.Sessions.Flows;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Interop.Tests.Simulator.SimulatorInteropSupport;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Interop.Tests.Sessions;

/// <summary>
/// A group of one SessionCluster session, two real Baileys companions (of other accounts) and a simulator phone: every
/// member's messages decrypt at every other member (our sender key at Baileys' libsignal and the phone, theirs at our
/// session); a member removed gets nothing sent after, and a member added decrypts what is sent after joining (our
/// session starts a new sender key on the removal and distributes it to whoever is in the group then).
/// </summary>
[Trait("Category", "Interop")]
public sealed class SessionBaileysGroupTests(ITestOutputHelper output) : SimulatorInteropTest(output)
{
    private const string PhoneA = "15550001111";
    private const string PhoneB = "15550002222";
    private const string PhoneC = "15550003333";
    private const string PhoneD = "15550004444";
    private static readonly SessionId Alice = new("alice");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Messages_from_each_member_decrypt_at_every_other_and_a_removed_member_is_cut_off_while_a_new_one_reads_on()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await CreateAccountAsync(http, host, PhoneA);
        await CreateAccountAsync(http, host, PhoneB);
        await CreateAccountAsync(http, host, PhoneC);
        await CreateAccountAsync(http, host, PhoneD);
        await using var node = SessionClusterNode.Start(LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Information)));
        var session = await SessionBaileysMessagingTests.LinkSessionAsync(node, host, http);
        var (bob, _) = await LinkWithHistorySyncAsync(http, host, PhoneB, Path.Combine(Folder, "b"), Options("B"));
        await using var _bob = bob;
        var (carol, _) = await LinkWithHistorySyncAsync(http, host, PhoneC, Path.Combine(Folder, "c"), Options("C"));
        await using var _carol = carol;

        var group = (await Ask<GroupReady>(session, new CreateGroup(Alice, "Interop", [Jid(PhoneB), Jid(PhoneC), Jid(PhoneD)]))).Group.Jid;

        // Each member writes once: our session, Baileys B, Baileys C, the phone D.
        var fromA = (await Ask<SendAccepted>(session, Send.Text(Alice, group, "from A"))).MessageId;
        await WaitForBaileysAsync(bob, fromA, "from A");
        await WaitForBaileysAsync(carol, fromA, "from A");
        await WaitForPhoneAsync(http, host, PhoneD, fromA, "from A");
        var fromB = (await bob.SendTextAsync(group, "from B")).Id!;
        var fromC = (await carol.SendTextAsync(group, "from C")).Id!;
        var fromD = await PhoneSendsAsync(http, host, PhoneD, group, "from D");

        await node.WaitForAsync(Alice, e => new[] { fromB, fromC, fromD }.All(id => Received(e).Any(r => r.MessageId == id && r.Chat == group)), "the session to read B, C and D", Timeout);
        var received = Received(await node.EventsAsync(Alice)).Where(r => r.Chat == group).ToDictionary(r => r.MessageId, r => r.Text);
        Assert.Equal(("from B", "from C", "from D"), (received[fromB], received[fromC], received[fromD]));
        await WaitForBaileysAsync(bob, fromC, "from C");
        await WaitForBaileysAsync(bob, fromD, "from D");
        await WaitForBaileysAsync(carol, fromB, "from B");
        await WaitForBaileysAsync(carol, fromD, "from D");
        await WaitForPhoneAsync(http, host, PhoneD, fromB, "from B");
        await WaitForPhoneAsync(http, host, PhoneD, fromC, "from C");

        // Reactions: B to our message, C to B's. Their keys are from the reactor's side; the session turns each target
        // to its own (ours only when the key's participant is our account).
        var ourAtBob = await bob.WaitForMessageAsync(m => m.Key.Id == fromA, "Bob's copy of our message", Timeout);
        var bobsAtCarol = await carol.WaitForMessageAsync(m => m.Key.Id == fromB, "Carol's copy of Bob's message", Timeout);
        var bobReacts = (await bob.SendContentAsync(group, new { react = new { text = "👍", key = ourAtBob.Key.Raw } })).Id!;
        var carolReacts = (await carol.SendContentAsync(group, new { react = new { text = "🎉", key = bobsAtCarol.Key.Raw } })).Id!;
        await node.WaitForAsync(Alice, e => Received(e).Count(r => r.MessageId == bobReacts || r.MessageId == carolReacts) == 2, "the session to read both reactions", Timeout);
        var targets = Received(await node.EventsAsync(Alice)).Where(r => r.MessageId == bobReacts || r.MessageId == carolReacts).ToDictionary(r => r.MessageId, r => r.TargetFromMe);
        Assert.Equal((true, false), (targets[bobReacts], targets[carolReacts]));

        // C is removed: our next message reaches B and D under a new key, and not C.
        var removed = await Ask<GroupParticipantsChanged>(session, new ChangeGroupParticipants(Alice, group, GroupParticipantAction.Remove, [Jid(PhoneC)]));
        Assert.All(removed.Participants, p => Assert.Equal(200, p.Status));
        var afterRemoval = (await Ask<SendAccepted>(session, Send.Text(Alice, group, "after C left"))).MessageId;
        await WaitForBaileysAsync(bob, afterRemoval, "after C left");
        await WaitForPhoneAsync(http, host, PhoneD, afterRemoval, "after C left");

        // C joins again: what is sent after decrypts at C (the new key is distributed to it), and at the others.
        await Ask<GroupParticipantsChanged>(session, new ChangeGroupParticipants(Alice, group, GroupParticipantAction.Add, [Jid(PhoneC)]));
        var afterJoin = (await Ask<SendAccepted>(session, Send.Text(Alice, group, "welcome back C"))).MessageId;
        await WaitForBaileysAsync(carol, afterJoin, "welcome back C");
        await WaitForBaileysAsync(bob, afterJoin, "welcome back C");
        Assert.DoesNotContain(carol.Events.OfType<BaileysMessage>(), m => m.Key.Id == afterRemoval);
        Assert.Empty(bob.Errors);
        Assert.Empty(carol.Errors);
    }

    private BaileysClientOptions Options(string name) =>
        new() { LogLevel = "warn", StderrLine = line => Logs.Write($"baileys {name}: " + line), WaitTimeout = Timeout };

    private static string Jid(string phone) => phone + "@s.whatsapp.net";

    private static IEnumerable<MessageReceivedBody> Received(IEnumerable<SessionEvent> events) => events.Select(e => e.Body).OfType<MessageReceivedBody>();

    private static Task WaitForBaileysAsync(BaileysClient client, string id, string text) =>
        client.WaitForMessageAsync(m => m.Key.Id == id && m.Text == text, $"Baileys to decrypt '{text}'", Timeout);

    private static Task WaitForPhoneAsync(HttpClient http, SimulatorHost host, string phone, string id, string text) =>
        WaitUntilAsync(async () => (await PhoneMessagesAsync(http, host, phone)).Any(m => m.Id == id && m.Text == text), $"phone {phone} to decrypt '{text}'");

    private static async Task<string> PhoneSendsAsync(HttpClient http, SimulatorHost host, string phone, string to, string text)
    {
        using var response = await http.PostAsJsonAsync($"{host.AdminUrl}/accounts/{phone}/messages", new { to, text });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<T> Ask<T>(IActorRef session, object command) => Assert.IsType<T>(await session.Ask<Reply>(command, Timeout));
}
