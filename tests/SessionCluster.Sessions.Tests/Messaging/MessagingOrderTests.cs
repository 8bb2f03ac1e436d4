using Akka.Actor;
using Akka.Configuration;
using SessionCluster.Protocol.Binary;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Flows;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Messaging;

/// <summary>
/// The messaging promises' order, which a kill -9 test (Interop's SessionCrashTests) hits only by chance: the journal
/// holds one write; while it is held, what must wait for it has not happened (a bounded look), and released, it does.
/// An inbound message's MessageReceived is durable before its delivery receipt leaves; a send's OutboundAccepted is
/// durable before the caller hears SendAccepted and before the message leaves.
/// </summary>
[Collection(GatedMemoryJournal.Collection)]
public sealed class MessagingOrderTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string BobPhone = "15550002222";
    private static readonly TimeSpan Look = TimeSpan.FromSeconds(1);

    private readonly SessionNodes _nodes = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task The_delivery_receipt_does_not_leave_while_the_MessageReceived_event_is_not_yet_durable()
    {
        await using var host = await Simulators.StartAsync();
        var (system, _) = await LinkedAliceOnGatedJournalAsync(host, p => p is SessionEventRecord { BodyCase: SessionEventRecord.BodyOneofCase.MessageReceived });

        // Alice's phone receipts the message too; the session's receipt is the one from its own device.
        var device = Assert.Single(await DevicesAsync(host), d => !d.Primary).Device;
        bool FromSession(SimulatorPhones.PhoneReceipt r) => Jid.Parse(r.From).Device == device;
        var id = await SimulatorPhones.SendTextAsync(host, BobPhone, AliceJid, "held");
        try
        {
            await GatedMemoryJournal.Reached.Task.WaitAsync(SessionNodes.Timeout);
            await Task.Delay(Look);
            Assert.DoesNotContain(await SimulatorPhones.ReceiptsAsync(host, BobPhone), r => r.Id == id && FromSession(r));
        }
        finally
        {
            GatedMemoryJournal.Release.TrySetResult();
        }

        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.ReceiptsAsync(host, BobPhone), r => r.Any(x => x.Id == id && x.Type == "delivery" && FromSession(x)), "the session's delivery receipt at Bob's phone");
        await SessionNodes.StopAsync(system);
    }

    [Fact]
    public async Task A_send_is_neither_answered_nor_sent_while_its_OutboundAccepted_is_not_yet_durable()
    {
        await using var host = await Simulators.StartAsync();
        var (system, session) = await LinkedAliceOnGatedJournalAsync(host, p => p is OutboundAccepted);

        var bobJid = BobPhone + "@s.whatsapp.net";
        var answer = session.Ask<Reply>(Send.Text(Alice, bobJid, "held"), SessionNodes.Timeout);
        try
        {
            await GatedMemoryJournal.Reached.Task.WaitAsync(SessionNodes.Timeout);
            var early = await Task.WhenAny(answer, Task.Delay(Look));
            Assert.NotSame(answer, early);
            Assert.DoesNotContain(await SimulatorPhones.MessagesAsync(host, BobPhone), m => m.Text == "held");
        }
        finally
        {
            GatedMemoryJournal.Release.TrySetResult();
        }

        var accepted = Assert.IsType<SendAccepted>(await answer);
        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.MessagesAsync(host, BobPhone), m => m.Any(x => x.Id == accepted.MessageId && x.Text == "held"), "Bob's phone to get it");
        await SessionNodes.StopAsync(system);
    }

    private static string AliceJid => Phone + "@s.whatsapp.net";

    /// <summary>Alice's session on the gated journal (holding the first write <paramref name="holds"/> picks), linked by QR, Connected, its prekeys uploaded; Bob's account.</summary>
    private async Task<(ActorSystem System, IActorRef Session)> LinkedAliceOnGatedJournalAsync(SimulatorHost host, Func<object, bool> holds)
    {
        GatedMemoryJournal.Reset();
        GatedMemoryJournal.Holds = holds;
        await SimulatorPhones.CreateAccountAsync(host, Phone);
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var system = ActorSystem.Create("gated", ConfigurationFactory.ParseString(GatedMemoryJournal.Config).WithFallback("akka.loglevel = WARNING"));
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(_nodes, host)));
        Assert.IsType<Created>(await session.Ask<Reply>(new Create(Alice, Options), SessionNodes.Timeout));
        Assert.IsType<LinkStarted>(await session.Ask<Reply>(new LinkByQr(Alice), SessionNodes.Timeout));
        var qr = await GatedMemoryJournal.FirstQr.Task.WaitAsync(SessionNodes.Timeout);
        using (var scan = await ScanAsync(host, qr))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, scan.StatusCode);
        }

        await SimulatorPhones.WaitForAsync(
            async () => await session.Ask<Reply>(new GetStatus(Alice), SessionNodes.Timeout),
            r => r is StatusReply { Status.Status: SessionStatus.Connected },
            "Connected");
        await SimulatorPhones.WaitForAsync(() => DevicesAsync(host), d => d.Any(x => !x.Primary && x.PreKeys >= SessionCluster.Sessions.Flows.PreKeys.UploadBatch), "the session's prekeys on the server");
        Assert.False(GatedMemoryJournal.Reached.Task.IsCompleted, "the gate held a write before the test's");
        return (system, session);
    }
}
