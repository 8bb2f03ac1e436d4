using System.Net;
using System.Net.Http.Json;
using Akka.Actor;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.State;
using SessionCluster.Simulator;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>A session linked by QR against the in-process simulator, and what the simulator's admin API tells about it.</summary>
internal static class LinkedSessions
{
    /// <summary>Dependencies pointing at <paramref name="host"/>, with the node key <paramref name="key"/> (default: the nodes' own).</summary>
    public static SessionActorDependencies Against(SessionNodes nodes, SimulatorHost host, ReconnectSettings reconnect, SecretKey? key = null) =>
        nodes.Dependencies(key) with
        {
            Server = new SessionServerSettings(new Uri(host.WebSocketUrl)) { RootPublicKey = host.RootPublicKey.ToArray(), ConnectTimeout = TimeSpan.FromSeconds(10) },
            Reconnect = reconnect,
        };

    /// <summary>Dependencies pointing at a <see cref="NoiseTestServer"/>.</summary>
    public static SessionActorDependencies Against(SessionNodes nodes, NoiseTestServer server, ReconnectSettings reconnect) =>
        nodes.Dependencies() with
        {
            Server = new SessionServerSettings(server.WebSocketUrl) { RootPublicKey = server.RootPublicKey.ToArray(), ConnectTimeout = TimeSpan.FromSeconds(10) },
            Reconnect = reconnect,
        };

    /// <summary>Creates Alice and links her by QR; returns her actor once she is Connected.</summary>
    public static async Task<IActorRef> CreateAndLinkAsync(ActorSystem system, SimulatorHost host, SessionActorDependencies dependencies)
    {
        var session = system.ActorOf(SessionActor.Props(Alice, dependencies));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        Assert.IsType<LinkStarted>(await Ask(session, new LinkByQr(Alice)));
        await ScanFirstQrAsync(system, host, skip: 0);
        return session;
    }

    /// <summary>Alice's account, her session linked by QR, Connected, and her prekeys on the server (a phone needs a bundle to reach her).</summary>
    public static async Task<(ActorSystem System, IActorRef Session)> LinkedAliceAsync(SessionNodes nodes, SimulatorHost host, SessionActorDependencies? dependencies = null)
    {
        await CreateAccountAsync(host);
        var system = nodes.Start();
        var session = await CreateAndLinkAsync(system, host, dependencies ?? Flows.LinkByQrTests.Dependencies(nodes, host));
        await SimulatorPhones.WaitForAsync(() => DevicesAsync(host), d => d.Any(x => !x.Primary && x.PreKeys >= SessionCluster.Sessions.Flows.PreKeys.UploadBatch), "the session's prekeys on the server");
        return (system, session);
    }

    /// <summary>Scans the first QR shown after the first <paramref name="skip"/> ones and waits for one more Connected.</summary>
    public static async Task ScanFirstQrAsync(ActorSystem system, SimulatorHost host, int skip)
    {
        var connectedBefore = Statuses(await SessionLog.EventsAsync(system, Alice)).Count(s => s == SessionStatus.Connected);
        var qr = (await SessionLog.WaitForAsync(system, Alice, e => e.QrCodes().Count > skip, "a QR code")).QrCodes()[skip];
        using (var scan = await ScanAsync(host, qr.Qr))
        {
            Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        }

        await SessionLog.WaitForAsync(system, Alice, e => Statuses(e).Count(s => s == SessionStatus.Connected) > connectedBefore, "Connected");
    }

    public static List<SessionStatus> Statuses(IEnumerable<SessionEvent> events) =>
        events.Select(e => e.Body).OfType<SessionStatusChangedBody>().Select(b => b.Status).ToList();

    public static async Task<StatsSnapshot> StatsAsync(SimulatorHost host)
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<StatsSnapshot>($"{host.AdminUrl}/stats"))!;
    }

    /// <summary>The simulator's login and connection counts do not move over <paramref name="period"/>: nobody keeps coming back.</summary>
    public static async Task AssertNoMoreConnectionsAsync(SimulatorHost host, TimeSpan period)
    {
        var before = await StatsAsync(host);
        await Task.Delay(period);
        var after = await StatsAsync(host);
        Assert.Equal((before.ConnectionsTotal, before.Logins, before.LoginFailures), (after.ConnectionsTotal, after.Logins, after.LoginFailures));
    }

    /// <summary>The phone removes the (only) companion: <c>DELETE /admin/accounts/{phone}/devices/{device}</c>.</summary>
    public static async Task RemoveCompanionFromPhoneAsync(SimulatorHost host)
    {
        var device = Assert.Single(await DevicesAsync(host), d => !d.Primary);
        using var http = new HttpClient();
        using var response = await http.DeleteAsync($"{host.AdminUrl}/accounts/{Phone}/devices/{device.Device}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
