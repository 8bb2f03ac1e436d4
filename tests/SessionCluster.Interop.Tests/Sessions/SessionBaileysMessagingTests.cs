using System.Globalization;
using System.Net;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using SessionCluster.Interop.Tests.Simulator;
using SessionCluster.Sessions;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Interop.Tests.Simulator.SimulatorInteropSupport;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Interop.Tests.Sessions;

/// <summary>
/// A SessionCluster session (our actors: connection, ratchets, durable events) and a real Baileys 7.0.0-rc14 companion
/// of another account talk through the simulator: texts sent concurrently both ways, receipts both ways, and the
/// simulator's phones decrypting their copies.
/// </summary>
[Trait("Category", "Interop")]
public sealed class SessionBaileysMessagingTests(ITestOutputHelper output) : SimulatorInteropTest(output)
{
    private const string PhoneA = "15550001111";
    private const string PhoneB = "15550002222";
    private const string ChatA = PhoneA + "@s.whatsapp.net";
    private const string ChatB = PhoneB + "@s.whatsapp.net";
    private const int PerSide = 100;
    private static readonly SessionId Alice = new("alice");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_session_linked_by_QR_or_by_code_and_a_Baileys_companion_send_100_texts_each_to_the_other_concurrently_and_each_arrives_once_with_receipts_both_ways(bool byCode)
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await CreateAccountAsync(http, host, PhoneA);
        await CreateAccountAsync(http, host, PhoneB);
        await using var node = SessionClusterNode.Start(LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Information)));
        var session = await LinkSessionAsync(node, host, http, byCode);
        var options = new BaileysClientOptions { LogLevel = "warn", StderrLine = line => Logs.Write("baileys B: " + line), WaitTimeout = Timeout };
        var (bob, _) = await LinkWithHistorySyncAsync(http, host, PhoneB, Path.Combine(Folder, "b"), options);
        await using var _bob = bob;

        // Both at once, neither waiting for the other: our 100 Send commands and Baileys' 100 sendMessage calls.
        var markB = bob.Mark();
        var ours = Task.WhenAll(Enumerable.Range(0, PerSide).Select(i => Ask<SendAccepted>(session, Send.Text(Alice, ChatB, Text("a->b", i)))));
        var theirs = Task.Run(async () =>
        {
            var keys = new List<BaileysMessageKey>();
            for (var i = 0; i < PerSide; i++)
            {
                keys.Add(await bob.SendTextAsync(ChatA, Text("b->a", i)));
            }

            return keys;
        });
        var accepted = await ours;
        var sentByBob = await theirs;

        // At the session: each of Bob's 100 once, in the log with its text.
        var bobIds = sentByBob.Select(k => k.Id!).ToHashSet();
        var events = await node.WaitForAsync(Alice, e => Received(e).Select(r => r.MessageId).Where(bobIds.Contains).Distinct().Count() == PerSide, "Bob's 100 texts", Timeout);
        var fromBob = Received(events).Where(r => bobIds.Contains(r.MessageId)).ToList();
        Assert.Equal(PerSide, fromBob.Count);
        Assert.Equal(Enumerable.Range(0, PerSide).Select(i => Text("b->a", i)).Order(StringComparer.Ordinal), fromBob.Select(r => r.Text!).Order(StringComparer.Ordinal));

        // At Baileys: each of ours decrypted (first attempt or after a retry receipt), once.
        var ourIds = accepted.Select(a => a.MessageId).ToHashSet();
        await WaitUntilAsync(() => Task.FromResult(Decrypted(bob, markB, ourIds).Count == PerSide), "Baileys to decrypt the session's 100 texts");
        var atBob = Decrypted(bob, markB, ourIds);
        Assert.Equal(Enumerable.Range(0, PerSide).Select(i => Text("a->b", i)).Order(StringComparer.Ordinal), atBob.Values.Order(StringComparer.Ordinal));
        Assert.All(ourIds, id => Assert.True(bob.Events.Skip(markB).OfType<BaileysMessage>().Count(m => m.Key.Id == id && m.Text is not null) == 1, $"{id} decrypted more than once at Baileys"));

        // Receipts: Baileys' delivery receipts are MessageStatus Delivered at the session, and ours reach Baileys.
        await node.WaitForAsync(Alice, e => ourIds.All(id => Statuses(e, id).Contains(MessageDelivery.Delivered)), "Delivered for all 100", Timeout);
        await WaitUntilAsync(() => Task.FromResult(sentByBob.All(k => bob.Events.OfType<BaileysReceipt>().Any(r => r.Key.Id == k.Id && r.Status >= 3))), "Baileys to see its 100 delivered");

        // Read both ways: the session marks Bob's read, Bob reads ours.
        var fromBobBySender = fromBob.GroupBy(r => (r.Chat, r.SenderDevice));
        foreach (var group in fromBobBySender)
        {
            Assert.IsType<ReadMarked>(await session.Ask<Reply>(new MarkRead(Alice, group.Key.Chat, group.Key.SenderDevice, group.Select(r => r.MessageId).ToList()), Timeout));
        }

        await WaitUntilAsync(() => Task.FromResult(sentByBob.All(k => bob.Events.OfType<BaileysReceipt>().Any(r => r.Key.Id == k.Id && r.Status >= 4))), "Baileys to see its 100 read");
        await bob.ReadMessagesAsync(bob.Events.Skip(markB).OfType<BaileysMessage>().Where(m => ourIds.Contains(m.Key.Id!) && m.Text is not null).Select(m => m.Key).ToList());
        await node.WaitForAsync(Alice, e => ourIds.All(id => Statuses(e, id).Contains(MessageDelivery.Read)), "Read for all 100", Timeout);

        // The phones decrypt their copies: B's phone has ours, A's phone our copies (DeviceSentMessage) and Bob's.
        var phoneB = await PhoneMessagesAsync(http, host, PhoneB);
        Assert.All(ourIds, id => Assert.Single(phoneB, m => m.Id == id && m.Text is not null));
        var phoneA = await PhoneMessagesAsync(http, host, PhoneA);
        Assert.All(ourIds, id => Assert.Single(phoneA, m => m.Id == id && m.SentCopy && m.Text is not null));
        Assert.All(bobIds, id => Assert.Single(phoneA, m => m.Id == id && m.Text is not null));
        // Every event numbered without a gap.
        var all = await node.EventsAsync(Alice);
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Sequence));
    }

    private static string Text(string direction, int i) => direction + " " + i.ToString("D3", CultureInfo.InvariantCulture);

    private static IEnumerable<MessageReceivedBody> Received(IEnumerable<SessionEvent> events) => events.Select(e => e.Body).OfType<MessageReceivedBody>();

    private static List<MessageDelivery> Statuses(IEnumerable<SessionEvent> events, string id) =>
        events.Select(e => e.Body).OfType<MessageStatusBody>().Where(s => s.MessageId == id).Select(s => s.Status).ToList();

    private static Dictionary<string, string> Decrypted(BaileysClient client, int mark, HashSet<string> ids) =>
        client.Events.Skip(mark).OfType<BaileysMessage>()
            .Where(m => m.Key.Id is { } id && ids.Contains(id) && m.Text is not null)
            .GroupBy(m => m.Key.Id!)
            .ToDictionary(g => g.Key, g => g.First().Text!);

    private static async Task<T> Ask<T>(IActorRef session, object command) => Assert.IsType<T>(await session.Ask<Reply>(command, Timeout));

    /// <summary>
    /// Creates the session for account A and links it by QR (the phone scans the QR event) or by pairing code (the phone
    /// enters the code the command answered); returns once it is Connected with its prekeys on the server.
    /// </summary>
    private static async Task<IActorRef> LinkSessionAsync(SessionClusterNode node, SimulatorHost host, HttpClient http, bool byCode)
    {
        var session = node.StartSession(Alice, host);
        await Ask<Created>(session, new Create(Alice, new SessionOptions("SessionCluster", "Chrome", onlineOnConnect: true)));
        HttpResponseMessage linked;
        if (byCode)
        {
            var issued = await Ask<LinkCodeIssued>(session, new LinkByCode(Alice, PhoneA));
            linked = await http.PostAsync($"{host.AdminUrl}/accounts/{PhoneA}/link-code", Json(new { code = issued.Code }));
        }
        else
        {
            await Ask<LinkStarted>(session, new LinkByQr(Alice));
            var qr = (await node.WaitForAsync(Alice, e => e.Any(x => x.Body is QrCodeBody), "a QR")).Select(e => e.Body).OfType<QrCodeBody>().First();
            linked = await http.PostAsync($"{host.AdminUrl}/accounts/{PhoneA}/link", Json(new { qr = qr.Qr }));
        }

        using (linked)
        {
            Assert.Equal(HttpStatusCode.OK, linked.StatusCode);
        }

        await node.WaitForAsync(Alice, e => e.Any(x => x.Body is SessionStatusChangedBody { Status: SessionStatus.Connected }), "Connected");
        await WaitUntilAsync(async () => (await DevicesAsync(http, host, PhoneA)).Any(d => !d.Primary && d.PreKeys > 0), "the session's prekey upload");
        return session;
    }
}
