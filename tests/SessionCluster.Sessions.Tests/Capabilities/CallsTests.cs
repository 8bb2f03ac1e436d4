using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>The rejectCalls setting against call offers a simulator phone places, and the offers as events.</summary>
public sealed class CallsTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    [Fact]
    public async Task With_rejectCalls_off_a_call_is_only_acked_and_once_turned_on_the_next_offer_is_rejected_by_the_sessions_device()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        var device = Assert.Single(await DevicesAsync(host), d => !d.Primary);

        var rings = await SimulatorPhones.CallAsync(host, BobPhone, Phone);
        Assert.Equal(1, rings.Devices);
        // The session has handled the first offer once it acked it (the server's queue for its device is empty).
        await SimulatorPhones.WaitForAsync(() => LinkedSessions.StatsAsync(host), s => s.OfflineQueueDepth == 0, "the first offer acked");
        Assert.IsType<SettingsUpdated>(await Ask(session, new UpdateSettings(Alice, new SessionSettingsPatch { RejectCalls = true })));
        var declined = await SimulatorPhones.CallAsync(host, BobPhone, Phone);

        var calls = await SimulatorPhones.WaitForAsync(() => SimulatorPhones.CallsAsync(host, BobPhone), c => c.Any(x => x.CallId == declined.CallId && x.RejectedBy.Count > 0), "the reject");
        Assert.Equal([device.Jid], Assert.Single(calls, c => c.CallId == declined.CallId).RejectedBy);
        Assert.Empty(Assert.Single(calls, c => c.CallId == rings.CallId).RejectedBy);
        await SimulatorPhones.WaitForAsync(() => LinkedSessions.StatsAsync(host), s => s.OfflineQueueDepth == 0, "the second offer acked");
        Assert.Equal(1, Nodes.Logs.Count(1603));

        // Each offer is an event, durable before its ack: the first rang, the second was rejected.
        var offers = (await SessionLog.EventsAsync(system, Alice)).Select(e => e.Body).OfType<CallOfferBody>().ToList();
        Assert.Equal([(rings.CallId, false), (declined.CallId, true)], offers.Select(o => (o.CallId, o.Rejected)));
        Assert.All(offers, o => Assert.Equal(BobPhone + "@s.whatsapp.net", o.From));
    }
}
