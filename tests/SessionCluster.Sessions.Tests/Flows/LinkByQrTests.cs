using System.Net;
using System.Net.Http.Json;
using System.Text;
using Akka.Actor;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>LinkByQr driven by the SessionActor against the in-process simulator: QR events, the phone's scan, 515, login.</summary>
public sealed class LinkByQrTests(ITestOutputHelper output) : IAsyncLifetime
{
    internal const string Phone = "15550001111";
    internal static readonly SessionId Alice = new("alice");
    internal static readonly SessionOptions Options = new("SessionCluster", "Chrome", onlineOnConnect: true);

    private readonly SessionNodes _nodes = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task A_created_session_shows_a_QR_the_phone_scans_then_logs_in_and_the_simulator_lists_the_device_online()
    {
        await using var host = await Simulators.StartAsync();
        await CreateAccountAsync(host);
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(host)));

        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        Assert.IsType<LinkStarted>(await Ask(session, new LinkByQr(Alice)));
        Assert.Equal(new LinkRefused(Alice, LinkRefusal.AlreadyLinking), await Ask(session, new LinkByQr(Alice)));
        var qr = (await SessionLog.WaitForAsync(system, Alice, e => e.QrCodes().Count > 0, "a QR code")).QrCodes()[0];

        using var scan = await ScanAsync(host, qr.Qr);
        Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Reached(SessionStatus.Connected), "Connected");

        var status = Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status;
        Assert.Equal(SessionStatus.Connected, status.Status);
        Assert.NotNull(status.DeviceJid);
        Assert.NotNull(status.Lid);
        var device = Assert.Single(await DevicesAsync(host), d => !d.Primary);
        Assert.Equal(status.DeviceJid, device.Jid);
        Assert.Equal(status.Lid, device.Lid);
        Assert.True(device.Online);
        // Created, Linking, the QR(s), Connecting, Connected, numbered without gaps.
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(
            [SessionStatus.Created, SessionStatus.Linking, SessionStatus.Connecting, SessionStatus.Connected],
            events.Select(e => e.Body).OfType<SessionStatusChangedBody>().Select(b => b.Status));
        Assert.Equal(new LinkRefused(Alice, LinkRefusal.AlreadyLinked), await Ask(session, new LinkByQr(Alice)));
        // The QR's secret is an event payload for the user, never a log line.
        Assert.DoesNotContain(_nodes.Logs.Entries.Select(e => e.Message), m => m.Contains(qr.Qr.Split(',')[3], StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_QR_rotates_when_its_ref_expires_and_the_server_takes_the_new_one_but_not_the_expired_one()
    {
        // Short ref lifetimes on both sides, as the real server's 60 s and 20 s are on both.
        var lifetimes = new QrSettings { FirstRefLifetime = TimeSpan.FromSeconds(3), NextRefLifetime = TimeSpan.FromSeconds(4) };
        await using var host = await Simulators.StartAsync(new SimulatorOptions { FirstRefLifetime = lifetimes.FirstRefLifetime, NextRefLifetime = lifetimes.NextRefLifetime });
        await CreateAccountAsync(host);
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(host) with { Qr = lifetimes }));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        Assert.IsType<LinkStarted>(await Ask(session, new LinkByQr(Alice)));

        var codes = (await SessionLog.WaitForAsync(system, Alice, e => e.QrCodes().Count >= 2, "a second QR code")).QrCodes();

        Assert.True(codes[1].ExpiresAt > codes[0].ExpiresAt, $"{codes[1].ExpiresAt:O} is not after {codes[0].ExpiresAt:O}");
        Assert.NotEqual(RefOf(codes[0].Qr), RefOf(codes[1].Qr));
        using (var expired = await PostLinkAsync(host, codes[0].Qr))
        {
            Assert.False(expired.IsSuccessStatusCode, $"the expired ref was accepted: {expired.StatusCode}");
        }

        using var current = await ScanAsync(host, codes[1].Qr);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        await SessionLog.WaitForAsync(system, Alice, e => e.Reached(SessionStatus.Connected), "Connected");
    }

    [Fact]
    public async Task When_every_ref_has_been_shown_unscanned_the_session_closes_the_connection_reports_QrExpired_and_may_link_again()
    {
        // The session's lifetimes are shorter than the server's, so it is the session that runs out of refs, not the server.
        await using var host = await Simulators.StartAsync(new SimulatorOptions { RefsPerPairDevice = 2, FirstRefLifetime = TimeSpan.FromSeconds(30), NextRefLifetime = TimeSpan.FromSeconds(30) });
        var system = _nodes.Start();
        var lifetimes = new QrSettings { FirstRefLifetime = TimeSpan.FromMilliseconds(500), NextRefLifetime = TimeSpan.FromMilliseconds(500) };
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(host) with { Qr = lifetimes }));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        Assert.IsType<LinkStarted>(await Ask(session, new LinkByQr(Alice)));

        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is LinkFailedBody), "a LinkFailed event");

        Assert.Equal(2, events.QrCodes().Count);
        Assert.Equal(LinkFailure.QrExpired, events.Select(e => e.Body).OfType<LinkFailedBody>().Single().Reason);
        await SessionLog.WaitForAsync(system, Alice, e => e.Select(x => x.Body).OfType<SessionStatusChangedBody>().Last().Status == SessionStatus.Created, "the status back at Created");
        Assert.IsType<LinkStarted>(await Ask(session, new LinkByQr(Alice)));
    }

    [Fact]
    public async Task A_new_ActorSystem_on_the_same_journal_recovers_the_session_as_linked()
    {
        await using var host = await Simulators.StartAsync();
        await CreateAccountAsync(host);
        var first = _nodes.Start();
        var session = first.ActorOf(SessionActor.Props(Alice, Dependencies(host)));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        Assert.IsType<LinkStarted>(await Ask(session, new LinkByQr(Alice)));
        var qr = (await SessionLog.WaitForAsync(first, Alice, e => e.QrCodes().Count > 0, "a QR code")).QrCodes()[0];
        using (var scan = await ScanAsync(host, qr.Qr))
        {
            Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        }

        await SessionLog.WaitForAsync(first, Alice, e => e.Reached(SessionStatus.Connected), "Connected");
        var linked = Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status;
        await SessionNodes.StopAsync(first);

        var second = _nodes.Start();
        var recovered = second.ActorOf(SessionActor.Props(Alice, Dependencies(host)));
        var status = Assert.IsType<StatusReply>(await Ask(recovered, new GetStatus(Alice))).Status;

        Assert.Equal(linked.DeviceJid, status.DeviceJid);
        Assert.Equal(linked.Lid, status.Lid);
        Assert.Equal(linked.RegistrationId, status.RegistrationId);
        Assert.Equal(new LinkRefused(Alice, LinkRefusal.AlreadyLinked), await Ask(recovered, new LinkByQr(Alice)));
        // The link is stored sealed: the device JID is not in the journal in plain (only in the sealed registration).
        var stored = await SessionLog.StoredAsync(second, Alice);
        Assert.Single(stored.OfType<SessionLinked>());
        Assert.DoesNotContain(linked.DeviceJid!, Encoding.Latin1.GetString(await File.ReadAllBytesAsync(_nodes.JournalPath)), StringComparison.Ordinal);
        // No connection survives the restart; the session then connects again by itself (ReconnectTests).
        Assert.NotEqual(SessionStatus.Created, status.Status);
    }

    private SessionActorDependencies Dependencies(SimulatorHost host) => Dependencies(_nodes, host);

    internal static SessionActorDependencies Dependencies(SessionNodes nodes, SimulatorHost host) => nodes.Dependencies() with
    {
        Server = new SessionServerSettings(new Uri(host.WebSocketUrl)) { RootPublicKey = host.RootPublicKey.ToArray(), ConnectTimeout = TimeSpan.FromSeconds(10) },
    };

    private static string RefOf(string qr) => qr[QrPairingCodePrefixLength(qr)..].Split(',')[0];

    private static int QrPairingCodePrefixLength(string qr) =>
        qr.StartsWith(Protocol.Pairing.QrPairingCode.UrlPrefix, StringComparison.Ordinal) ? Protocol.Pairing.QrPairingCode.UrlPrefix.Length : 0;

    internal static async Task CreateAccountAsync(SimulatorHost host)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync($"{host.AdminUrl}/accounts", new { phone = Phone });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>The phone scans <paramref name="qr"/>: the simulator answers once the companion has answered pair-success.</summary>
    internal static Task<HttpResponseMessage> ScanAsync(SimulatorHost host, string qr) => PostLinkAsync(host, qr);

    private static async Task<HttpResponseMessage> PostLinkAsync(SimulatorHost host, string qr)
    {
        using var http = new HttpClient { Timeout = SessionNodes.Timeout };
        return await http.PostAsJsonAsync($"{host.AdminUrl}/accounts/{Phone}/link", new { qr });
    }

    internal static async Task<DeviceResponse[]> DevicesAsync(SimulatorHost host)
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<DeviceResponse[]>($"{host.AdminUrl}/accounts/{Phone}/devices"))!;
    }

    internal static Task<Reply> Ask(IActorRef session, object command) => session.Ask<Reply>(command, SessionNodes.Timeout);
}
