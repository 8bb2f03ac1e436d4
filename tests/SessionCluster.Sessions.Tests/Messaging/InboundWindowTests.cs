using Akka.Actor;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Messaging;

/// <summary>
/// The inbound window (SessionActor.Receive.cs): a backlog of one-to-one messages from several senders is decrypted
/// several at a time and stored in arrival order, the ready ones in one write, each receipted once it is durable.
/// </summary>
[Collection(GatedJournal.Collection)]
public sealed class InboundWindowTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string BobPhone = "15550002222";
    private const string CarolPhone = "15550003333";

    private readonly SessionNodes _nodes = new(output);
    private ActorSystem? _system;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        GatedMemoryJournal.Release.TrySetResult();
        if (_system is not null)
        {
            await _system.Terminate();
        }

        await _nodes.DisposeAsync();
    }

    [Fact]
    public async Task A_backlog_from_two_senders_is_stored_once_each_in_arrival_order_in_shared_writes_and_every_message_is_receipted()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        await SimulatorPhones.CreateAccountAsync(host, CarolPhone);
        (_system, _) = await GatedAlice.LinkAsync(_nodes, host, "window");
        // One message from each first, so the backlog below is on open sessions (msg, not pkmsg).
        var warmups = new[] { await SimulatorPhones.SendTextAsync(host, BobPhone, Phone + "@s.whatsapp.net", "hi"), await SimulatorPhones.SendTextAsync(host, CarolPhone, Phone + "@s.whatsapp.net", "hi") };
        await WaitForStoredAsync(warmups);

        // The relay holds Alice's copies while both phones send, then hands them all over at once.
        using var http = new HttpClient();
        (await http.PostAsync(host.AdminUrl + "/relay/hold", null)).EnsureSuccessStatusCode();
        var sent = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            sent.Add(await SimulatorPhones.SendTextAsync(host, i % 3 == 0 ? CarolPhone : BobPhone, Phone + "@s.whatsapp.net", $"backlog {i}"));
        }

        (await http.PostAsync(host.AdminUrl + "/relay/release", null)).EnsureSuccessStatusCode();
        await WaitForStoredAsync([.. warmups, .. sent]);

        Assert.Equal([.. warmups, .. sent], GatedMemoryJournal.ReceivedIds.ToArray());
        Assert.Contains(GatedMemoryJournal.MessagesPerWrite, count => count > 1);
        foreach (var (phone, ids) in new[] { (BobPhone, sent.Where((_, i) => i % 3 != 0)), (CarolPhone, sent.Where((_, i) => i % 3 == 0)) })
        {
            var expected = ids.ToHashSet();
            await SimulatorPhones.WaitForAsync(
                () => SimulatorPhones.ReceiptsAsync(host, phone),
                receipts => expected.IsSubsetOf(receipts.Where(r => r.Type == "delivery" && Protocol.Binary.Jid.Parse(r.Participant ?? r.From).Device != 0).Select(r => r.Id)),
                $"Alice's companion's delivery receipt for each of {phone}'s texts");
        }

        // Every copy acknowledged: nothing waits at the server for Alice.
        await SimulatorPhones.WaitForAsync(() => LinkedSessions.StatsAsync(host), stats => stats.OfflineQueueDepth == 0, "the relay's queues empty");
    }

    private static async Task WaitForStoredAsync(IReadOnlyCollection<string> ids)
    {
        var deadline = DateTimeOffset.UtcNow + SessionNodes.Timeout;
        while (!ids.All(GatedMemoryJournal.ReceivedIds.Contains))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"Waited for {ids.Count} MessageReceived; {GatedMemoryJournal.ReceivedIds.Count} written.");
            await Task.Delay(50);
        }
    }
}
