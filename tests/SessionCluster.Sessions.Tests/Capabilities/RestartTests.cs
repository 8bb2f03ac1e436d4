using SessionCluster.Sessions.Tests.Flows;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;
using static SessionCluster.Sessions.Tests.Support.LinkedSessions;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>The Restart command: drop the connection, log in again at once.</summary>
public sealed class RestartTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    [Fact]
    public async Task Restart_of_a_connected_session_writes_Disconnected_for_a_restart_then_logs_in_again_at_once()
    {
        await using var host = await Simulators.StartAsync();
        var (system, session) = await LinkedAliceAsync(Nodes, host, LinkByQrTests.Dependencies(Nodes, host) with
        {
            // The ladder would wait up to a minute: a new login within the test's wait can only be the restart's.
            Reconnect = new() { Base = TimeSpan.FromMinutes(1), Cap = TimeSpan.FromMinutes(1) },
        });
        var logins = (await StatsAsync(host)).Logins;

        Assert.Equal(new Restarting(Alice), await Ask(session, new Restart(Alice)));

        var events = await SessionLog.WaitForAsync(system, Alice, e => Statuses(e).Count(s => s == SessionStatus.Connected) == 2, "Connected again");
        Assert.Equal(
            [SessionStatus.Connected, SessionStatus.Disconnected, SessionStatus.Connecting, SessionStatus.Connected],
            Statuses(events).SkipWhile(s => s != SessionStatus.Connected));
        var disconnected = Assert.Single(events.Select(e => e.Body).OfType<DisconnectedBody>());
        Assert.Equal((DisconnectReason.Restart, TimeSpan.Zero), (disconnected.Reason, disconnected.ReconnectIn));
        await SimulatorPhones.WaitForAsync(() => StatsAsync(host), s => s.Logins == logins + 1, "one more login");
        Assert.Equal(1, Nodes.Logs.Count(1604));
    }

    [Fact]
    public async Task Restart_of_a_session_waiting_on_its_backoff_connects_now()
    {
        await using var simulator = await RestartableSimulator.StartAsync(Path.Combine(Nodes.Folder, "simulator"));
        var (system, session) = await LinkedAliceAsync(Nodes, simulator.Host, LinkByQrTests.Dependencies(Nodes, simulator.Host) with
        {
            Reconnect = new() { Base = TimeSpan.FromMinutes(10), Cap = TimeSpan.FromMinutes(10) },
        });

        // The server goes away: the session is Disconnected and waits on a ladder of up to ten minutes.
        await simulator.StopAsync();
        await SessionLog.WaitForAsync(system, Alice, e => Statuses(e).SkipWhile(s => s != SessionStatus.Connected).Contains(SessionStatus.Disconnected), "Disconnected");
        var restarted = await simulator.StartAgainAsync();

        Assert.Equal(new Restarting(Alice), await Ask(session, new Restart(Alice)));

        await SessionLog.WaitForAsync(system, Alice, e => Statuses(e).Count(s => s == SessionStatus.Connected) == 2, "Connected again");
        Assert.True(Assert.Single(await DevicesAsync(restarted), d => !d.Primary).Online);
    }
}
