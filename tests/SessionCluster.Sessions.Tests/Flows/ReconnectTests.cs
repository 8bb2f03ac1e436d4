using System.Net;
using Akka.Actor;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>A linked session connects again by itself: after a restart of its node, and after the server dropped it.</summary>
public sealed class ReconnectTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SessionNodes _nodes = new(output);
    private readonly string _simulatorData = Directory.CreateTempSubdirectory("sc-simulator-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _nodes.DisposeAsync();
        Directory.Delete(_simulatorData, recursive: true);
    }

    [Fact]
    public async Task A_linked_session_recovered_in_a_new_ActorSystem_connects_again_by_itself()
    {
        await using var host = await Simulators.StartAsync();
        await CreateAccountAsync(host);
        var first = _nodes.Start();
        await LinkAsync(first, host);
        await SessionNodes.StopAsync(first);

        var second = _nodes.Start();
        var recovered = second.ActorOf(SessionActor.Props(Alice, Dependencies(host)));
        var events = await SessionLog.WaitForAsync(second, Alice, e => Statuses(e).Count(s => s == SessionStatus.Connected) == 2, "Connected again");

        Assert.Equal(SessionStatus.Connected, Assert.IsType<StatusReply>(await Ask(recovered, new GetStatus(Alice))).Status.Status);
        Assert.True(Assert.Single(await DevicesAsync(host), d => !d.Primary).Online);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(
            [SessionStatus.Created, SessionStatus.Linking, SessionStatus.Connecting, SessionStatus.Connected,
             SessionStatus.Disconnected, SessionStatus.Connecting, SessionStatus.Connected],
            Statuses(events));
    }

    [Fact]
    public async Task A_connected_session_whose_server_went_away_connects_again_once_the_server_is_back()
    {
        await using var simulator = await RestartableSimulator.StartAsync(_simulatorData);
        await CreateAccountAsync(simulator.Host);
        var system = _nodes.Start();
        await LinkAsync(system, simulator.Host);

        // The server goes away with the connection: the session stores Disconnected and keeps trying on the policy's ladder.
        await simulator.StopAsync();
        await SessionLog.WaitForAsync(system, Alice, e => Statuses(e).SkipWhile(s => s != SessionStatus.Connected).Contains(SessionStatus.Disconnected), "Disconnected");

        var restarted = await simulator.StartAgainAsync();
        var events = await SessionLog.WaitForAsync(system, Alice, e => Statuses(e).Count(s => s == SessionStatus.Connected) == 2, "Connected again");

        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(SessionStatus.Connected, Statuses(events)[^1]);
        Assert.True(Assert.Single(await DevicesAsync(restarted), d => !d.Primary).Online);
    }

    private static List<SessionStatus> Statuses(IEnumerable<SessionEvent> events) =>
        events.Select(e => e.Body).OfType<SessionStatusChangedBody>().Select(b => b.Status).ToList();

    private SessionActorDependencies Dependencies(SimulatorHost host) => LinkByQrTests.Dependencies(_nodes, host) with { Reconnect = SessionNodes.QuickReconnect };

    /// <summary>Creates Alice and links her by QR; returns once she is Connected.</summary>
    private async Task LinkAsync(ActorSystem system, SimulatorHost host)
    {
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(host)));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        Assert.IsType<LinkStarted>(await Ask(session, new LinkByQr(Alice)));
        var qr = (await SessionLog.WaitForAsync(system, Alice, e => e.QrCodes().Count > 0, "a QR code")).QrCodes()[0];
        using (var scan = await ScanAsync(host, qr.Qr))
        {
            Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        }

        await SessionLog.WaitForAsync(system, Alice, e => e.Reached(SessionStatus.Connected), "Connected");
    }
}
