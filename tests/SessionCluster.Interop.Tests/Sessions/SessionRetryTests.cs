using Akka.Actor;
using Microsoft.Extensions.Logging;
using SessionCluster.Interop.Tests.Simulator;
using SessionCluster.Protocol.Binary;
using SessionCluster.Sessions;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.Ratchets;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Interop.Tests.Simulator.SimulatorInteropSupport;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Interop.Tests.Sessions;

/// <summary>
/// Retry receipts between a SessionCluster session and a real Baileys 7.0.0-rc14 companion of another account, through
/// the simulator: our ratchet with Baileys' device is lost (its journal deleted while the node is down) and Baileys'
/// next text comes back through our retry receipts; Baileys loses its session with our device and our next text
/// reaches it through its retry receipt and our resend. Each is delivered once.
/// </summary>
[Trait("Category", "Interop")]
public sealed class SessionRetryTests(ITestOutputHelper output) : SimulatorInteropTest(output)
{
    private const string PhoneA = "15550001111";
    private const string PhoneB = "15550002222";
    private const string ChatA = PhoneA + "@s.whatsapp.net";
    private const string ChatB = PhoneB + "@s.whatsapp.net";
    private static readonly SessionId Alice = new("alice");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    // Retry receipts soon after a failure: nothing here sends in bursts (the default waits are for Baileys' key-store race).
    private static readonly MessagingSettings QuickRetries = new() { RetryReceiptDelays = [TimeSpan.FromMilliseconds(200)] };

    [Fact]
    public async Task Our_ratchet_with_Baileys_device_removed_is_recovered_through_retry_receipts_and_the_text_arrives_once()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await using var node = StartNode();
        var (session, bob, bobDevice) = await ConnectedAsync(host, http, node);
        await using var _bob = bob;
        var fromBob = await OpenBothWaysAsync(node, session, bob);

        // The node stops; the ratchet actor's journal for Bob's device goes; the node starts again and reconnects.
        var device = Jid.Parse(fromBob.SenderDevice);
        var lid = new[] { fromBob.Sender, fromBob.SenderAlt }.Select(j => j is null ? (Jid?)null : Jid.Parse(j)).First(j => j is { IsLid: true })!.Value;
        var persistenceId = DeviceRatchetActor.PersistenceIdOf(Alice, device.IsLid ? device : new Jid(lid.User, lid.Server, (ushort)bobDevice));
        await node.RestartAsync();
        Assert.True(await JournalErasing.EraseAsync(node.System, persistenceId, Timeout) > 0, $"{persistenceId} held no events: not the ratchet that decrypted Bob's text");
        node.StartSession(Alice, host, QuickRetries);
        await node.WaitForAsync(Alice, e => Statuses(e).Count(s => s == SessionStatus.Connected) == 2, "Connected again", Timeout);

        var after = await bob.SendTextAsync(ChatA, "after the loss");
        var events = await node.WaitForAsync(Alice, e => Received(e).Any(r => r.MessageId == after.Id), "Bob's text after the loss", Timeout);

        Assert.Equal("after the loss", Assert.Single(Received(events), r => r.MessageId == after.Id).Text);
        var undecryptable = events.Select(e => e.Body).OfType<UndecryptableBody>().Where(u => u.MessageId == after.Id).ToList();
        Assert.NotEmpty(undecryptable);
        Assert.Matches("^(NoSession|InvalidMessage): ", undecryptable[0].Reason);
        Assert.Equal(Enumerable.Range(1, undecryptable.Count), undecryptable.Select(u => u.RetryCount));
        Logs.Write($"test: Bob's text decrypted after {undecryptable.Count} retry receipts");
        // A fresh ratchet answered: the text is stored once even though Bob sent it more than once.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(Received(await node.EventsAsync(Alice)), r => r.MessageId == after.Id);
    }

    [Fact]
    public async Task Baileys_session_with_our_device_removed_is_recovered_by_our_resend_on_its_retry_receipt_and_it_decrypts_once()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await using var node = StartNode();
        var (session, bob, _) = await ConnectedAsync(host, http, node);
        await using var _bob = bob;
        await OpenBothWaysAsync(node, session, bob);

        Assert.NotEmpty(await bob.DropSessionAsync(ChatA));
        var mark = bob.Mark();
        var accepted = Assert.IsType<SendAccepted>(await session.Ask<Reply>(Send.Text(Alice, ChatB, "after the drop"), Timeout));

        await bob.WaitForMessageAsync(m => m.Key.Id == accepted.MessageId && m.Text == "after the drop", "the resent text", Timeout, mark);
        Assert.Contains(bob.Events.Skip(mark).OfType<BaileysMessage>(), m => m.Key.Id == accepted.MessageId && m.IsDecryptFailure);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(bob.Events.Skip(mark).OfType<BaileysMessage>(), m => m.Key.Id == accepted.MessageId && m.Text is not null);
        var events = await node.WaitForAsync(Alice, e => e.Select(x => x.Body).OfType<MessageStatusBody>().Any(s => s.MessageId == accepted.MessageId && s.Status == MessageDelivery.Sent), "Sent");
        Assert.DoesNotContain(events.Select(e => e.Body).OfType<MessageStatusBody>(), s => s.MessageId == accepted.MessageId && s.Status == MessageDelivery.Failed);
    }

    private SessionClusterNode StartNode() =>
        SessionClusterNode.Start(LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Information)));

    /// <summary>Accounts A and B; our session linked to A, a Baileys companion linked to B.</summary>
    private async Task<(IActorRef Session, BaileysClient Bob, int BobDevice)> ConnectedAsync(SimulatorHost host, HttpClient http, SessionClusterNode node)
    {
        await CreateAccountAsync(http, host, PhoneA);
        await CreateAccountAsync(http, host, PhoneB);
        var session = await SessionBaileysMessagingTests.LinkSessionAsync(node, host, http, messaging: QuickRetries);
        var options = new BaileysClientOptions { LogLevel = "warn", StderrLine = line => Logs.Write("baileys B: " + line), WaitTimeout = Timeout };
        var (bob, device) = await LinkWithHistorySyncAsync(http, host, PhoneB, Path.Combine(Folder, "b"), options);
        return (session, bob, device);
    }

    /// <summary>Bob's first text reaches the session and the session's answer reaches Bob: both ratchets are open and in use.</summary>
    private static async Task<MessageReceivedBody> OpenBothWaysAsync(SessionClusterNode node, IActorRef session, BaileysClient bob)
    {
        var first = await bob.SendTextAsync(ChatA, "first");
        var events = await node.WaitForAsync(Alice, e => Received(e).Any(r => r.MessageId == first.Id), "Bob's first text", Timeout);
        var reply = Assert.IsType<SendAccepted>(await session.Ask<Reply>(Send.Text(Alice, ChatB, "reply"), Timeout));
        await bob.WaitForMessageAsync(m => m.Key.Id == reply.MessageId && m.Text == "reply", "Bob to decrypt the reply", Timeout);
        return Received(events).Single(r => r.MessageId == first.Id);
    }

    private static IEnumerable<MessageReceivedBody> Received(IEnumerable<SessionEvent> events) => events.Select(e => e.Body).OfType<MessageReceivedBody>();

    private static List<SessionStatus> Statuses(IEnumerable<SessionEvent> events) =>
        events.Select(e => e.Body).OfType<SessionStatusChangedBody>().Select(b => b.Status).ToList();
}
