using Akka.Actor;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Messaging;

/// <summary>
/// The architecture's three durability promises, each shown by holding one journal write and looking at the world
/// meanwhile: an inbound message's receipt waits for its MessageReceived; an accepted send is durable before the caller
/// hears it; a ratchet step is durable before its ciphertext leaves. Each look is bounded (1 s): with the order reversed
/// the thing that must not happen happens well within it.
/// </summary>
[Collection(GatedJournal.Collection)]
public sealed class DurabilityOrderTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string BobPhone = "15550002222";
    private static readonly TimeSpan Look = TimeSpan.FromSeconds(1);

    private readonly SessionNodes _nodes = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        GatedMemoryJournal.Release.TrySetResult();
        await _nodes.DisposeAsync();
    }

    [Fact]
    public async Task The_delivery_receipt_of_an_inbound_message_waits_until_its_MessageReceived_is_durable()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (_, _) = await LinkedAliceAsync(host);
        GatedMemoryJournal.Reset(e => e is SessionEventRecord { BodyCase: SessionEventRecord.BodyOneofCase.MessageReceived });

        var id = await SimulatorPhones.SendTextAsync(host, BobPhone, Phone + "@s.whatsapp.net", "held");
        await GatedMemoryJournal.Reached.Task.WaitAsync(SessionNodes.Timeout);
        await Task.Delay(Look);
        // Alice's phone (device 0) receipts it at once; the session's receipt comes from her companion device.
        Assert.DoesNotContain(await SimulatorPhones.ReceiptsAsync(host, BobPhone), r => r.Id == id && FromCompanion(r));

        GatedMemoryJournal.Release.TrySetResult();
        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.ReceiptsAsync(host, BobPhone), r => r.Any(x => x.Id == id && x.Type == "delivery" && FromCompanion(x)), "the receipt once durable");
    }

    [Fact]
    public async Task A_send_is_answered_only_once_it_is_durable()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (_, session) = await LinkedAliceAsync(host);
        GatedMemoryJournal.Reset(e => e is OutboundAccepted);

        var answer = session.Ask<Reply>(Send.Text(Alice, bob.Jid, "held"), SessionNodes.Timeout);
        await GatedMemoryJournal.Reached.Task.WaitAsync(SessionNodes.Timeout);
        Assert.NotSame(answer, await Task.WhenAny(answer, Task.Delay(Look)));

        GatedMemoryJournal.Release.TrySetResult();
        Assert.IsType<SendAccepted>(await answer);
    }

    [Fact]
    public async Task A_ciphertext_does_not_leave_while_its_ratchet_step_is_not_durable()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (_, session) = await LinkedAliceAsync(host);
        GatedMemoryJournal.Reset(e => e is RatchetStored);

        var accepted = Assert.IsType<SendAccepted>(await session.Ask<Reply>(Send.Text(Alice, bob.Jid, "held"), SessionNodes.Timeout));
        await GatedMemoryJournal.Reached.Task.WaitAsync(SessionNodes.Timeout);
        await Task.Delay(Look);
        Assert.DoesNotContain(await SimulatorPhones.MessagesAsync(host, BobPhone), m => m.Id == accepted.MessageId);

        GatedMemoryJournal.Release.TrySetResult();
        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.MessagesAsync(host, BobPhone), m => m.Any(x => x.Id == accepted.MessageId), "the message once the ratchet is durable");
    }

    private static bool FromCompanion(SimulatorPhones.PhoneReceipt receipt) =>
        Protocol.Binary.Jid.Parse(receipt.Participant ?? receipt.From).Device != 0;

    private Task<(ActorSystem System, IActorRef Session)> LinkedAliceAsync(SimulatorHost host) => GatedAlice.LinkAsync(_nodes, host, "gated");
}
