using System.Net;
using System.Text;
using Akka.Actor;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>
/// A session's proxy end to end: sessions linked by QR through the tests' SOCKS5 and HTTP CONNECT proxies connect only
/// through them (the simulator sees the proxy's outbound address), a proxy that fails is a Disconnected session with a
/// clear reason in the log, and the proxy's password is in no log line, no status and not in plain in the journal.
/// </summary>
public sealed class SessionProxyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly IPAddress SocksOutbound = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress HttpOutbound = IPAddress.Parse("127.0.0.3");

    private readonly SessionNodes _nodes = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task A_session_created_with_a_SOCKS5_proxy_links_by_QR_through_it_and_the_simulator_sees_the_proxys_address()
    {
        await using var host = await Simulators.StartAsync();
        await using var proxy = new Socks5TestProxy(SocksOutbound);
        await CreateAccountAsync(host);
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(host)));

        var created = Assert.IsType<Created>(await Ask(session, new Create(Alice, Options with { Proxy = proxy.Settings() })));
        await LinkAsync(system, session, host);

        Assert.Equal($"socks5://socks-user@127.0.0.1:{proxy.Port}", created.Status.Proxy);
        var device = Assert.Single(await DevicesAsync(host), d => !d.Primary);
        Assert.True(device.Online);
        Assert.StartsWith("127.0.0.2:", device.RemoteAddress, StringComparison.Ordinal);
        // The registering connection and the login after the 515: both through the proxy.
        Assert.Equal(2, proxy.Tunnels);
        AssertNoLogHas(proxy.Password);
    }

    [Fact]
    public async Task A_session_given_an_HTTP_CONNECT_proxy_by_SetProxy_links_by_QR_through_it_and_the_simulator_sees_the_proxys_address()
    {
        await using var host = await Simulators.StartAsync();
        await using var proxy = new HttpConnectTestProxy(HttpOutbound);
        await CreateAccountAsync(host);
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(host)));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));

        var set = Assert.IsType<ProxySet>(await Ask(session, new SetProxy(Alice, proxy.Settings())));
        await LinkAsync(system, session, host);

        Assert.Equal($"http://http-user@127.0.0.1:{proxy.Port}", set.Status.Proxy);
        var device = Assert.Single(await DevicesAsync(host), d => !d.Primary);
        Assert.True(device.Online);
        Assert.StartsWith("127.0.0.3:", device.RemoteAddress, StringComparison.Ordinal);
        Assert.Equal(2, proxy.Tunnels);
        AssertNoLogHas(proxy.Password);
    }

    [Fact]
    public async Task A_linked_session_whose_proxy_password_is_now_wrong_is_Disconnected_with_the_proxy_as_reason_and_the_password_in_no_log()
    {
        await using var host = await Simulators.StartAsync();
        await using var proxy = new Socks5TestProxy(SocksOutbound);
        await CreateAccountAsync(host);
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(host)));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options with { Proxy = proxy.Settings() })));
        await LinkAsync(system, session, host);
        const string wrong = "a-wrong-socks-password-8W";

        Assert.IsType<ProxySet>(await Ask(session, new SetProxy(Alice, proxy.Settings(wrong))));
        // The running connection keeps its route until it ends; the proxy restarting ends it.
        proxy.DropAll();

        var lost = await WaitForLogAsync(1206, "(Proxy, SOCKS5 proxy 127.0.0.1:" + proxy.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + ": rejected the username and password");
        output.WriteLine(lost);
        await SessionLog.WaitForAsync(system, Alice, e => e.Select(x => x.Body).OfType<SessionStatusChangedBody>().Last().Status == SessionStatus.Disconnected, "Disconnected after the proxy refused");
        Assert.Equal(SessionStatus.Disconnected, Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status.Status);
        Assert.False(Assert.Single(await DevicesAsync(host), d => !d.Primary).Online);
        Assert.True(proxy.Refused >= 1);
        AssertNoLogHas(wrong);
        AssertNoLogHas(proxy.Password);
    }

    [Fact]
    public async Task A_linked_session_whose_proxy_died_is_Disconnected_with_the_proxy_as_reason_not_left_hanging()
    {
        await using var host = await Simulators.StartAsync();
        var proxy = new Socks5TestProxy(SocksOutbound);
        await CreateAccountAsync(host);
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(host)));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options with { Proxy = proxy.Settings() })));
        await LinkAsync(system, session, host);
        var port = proxy.Port;

        // The proxy goes away with the tunnel: its port is closed from now on.
        await proxy.DisposeAsync();

        await WaitForLogAsync(1206, $"(Proxy, SOCKS5 proxy 127.0.0.1:{port}: could not connect to the proxy");
        await SessionLog.WaitForAsync(system, Alice, e => e.Select(x => x.Body).OfType<SessionStatusChangedBody>().Last().Status == SessionStatus.Disconnected, "Disconnected");
        AssertNoLogHas(proxy.Password);
    }

    [Fact]
    public async Task The_proxy_is_stored_sealed_recovered_by_a_new_ActorSystem_and_shown_without_its_password()
    {
        var first = _nodes.Start();
        var session = first.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies()));
        var atCreate = new ProxySettings(ProxyKind.Socks5, "proxy-a.example", 1080, "operator-a", "first-proxy-password-1");
        var later = new ProxySettings(ProxyKind.HttpConnect, "proxy-b.example", 3128, "operator-b", "second-proxy-password-2");
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options with { Proxy = atCreate })));
        var set = Assert.IsType<ProxySet>(await Ask(session, new SetProxy(Alice, later)));
        Assert.Equal("http://operator-b@proxy-b.example:3128", set.Status.Proxy);
        await SessionNodes.StopAsync(first);

        var journal = Encoding.Latin1.GetString(Directory.GetFiles(_nodes.Folder).SelectMany(File.ReadAllBytes).ToArray());
        Assert.Contains("alice", journal, StringComparison.Ordinal);
        foreach (var secret in new[] { "first-proxy-password-1", "second-proxy-password-2", "proxy-a.example", "proxy-b.example", "operator-a", "operator-b" })
        {
            Assert.DoesNotContain(secret, journal, StringComparison.Ordinal);
        }

        var second = _nodes.Start();
        var recovered = second.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies()));
        Assert.Equal("http://operator-b@proxy-b.example:3128", Assert.IsType<StatusReply>(await Ask(recovered, new GetStatus(Alice))).Status.Proxy);
        var stored = await SessionLog.StoredAsync(second, Alice);
        Assert.Single(stored.OfType<SessionProxySet>());
        // Cleared: a direct connection again, also after recovery.
        Assert.Null(Assert.IsType<ProxySet>(await Ask(recovered, new SetProxy(Alice, null))).Status.Proxy);
        AssertNoLogHas("first-proxy-password-1");
        AssertNoLogHas("second-proxy-password-2");
    }

    [Fact]
    public async Task SetProxy_on_an_unknown_session_is_NotFound_and_on_a_deleted_one_Deleted()
    {
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies()));
        var proxy = new ProxySettings(ProxyKind.Socks5, "127.0.0.1", 1080);

        Assert.Equal(new NotFound(Alice), await Ask(session, new SetProxy(Alice, proxy)));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        Assert.IsType<Deleted>(await Ask(session, new Delete(Alice)));
        Assert.Equal(new Deleted(Alice), await Ask(session, new SetProxy(Alice, proxy)));
    }

    private SessionActorDependencies Dependencies(SimulatorHost host) => LinkByQrTests.Dependencies(_nodes, host) with { Reconnect = SessionNodes.QuickReconnect };

    private static async Task LinkAsync(ActorSystem system, IActorRef session, SimulatorHost host)
    {
        Assert.IsType<LinkStarted>(await Ask(session, new LinkByQr(Alice)));
        var qr = (await SessionLog.WaitForAsync(system, Alice, e => e.QrCodes().Count > 0, "a QR code")).QrCodes()[0];
        using (var scan = await ScanAsync(host, qr.Qr))
        {
            Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        }

        await SessionLog.WaitForAsync(system, Alice, e => e.Reached(SessionStatus.Connected), "Connected");
    }

    private async Task<string> WaitForLogAsync(int eventId, string contains)
    {
        var deadline = DateTimeOffset.UtcNow + SessionNodes.Timeout;
        while (true)
        {
            var found = _nodes.Logs.Entries.FirstOrDefault(e => e.Id.Id == eventId && e.Message.Contains(contains, StringComparison.Ordinal));
            if (found.Message is not null)
            {
                return found.Message;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"No log line {eventId} with '{contains}'; lines {eventId}: {string.Join(" | ", _nodes.Logs.Entries.Where(e => e.Id.Id == eventId).Select(e => e.Message))}");
            }

            await Task.Delay(100);
        }
    }

    private void AssertNoLogHas(string secret) =>
        Assert.DoesNotContain(_nodes.Logs.Entries, e => e.Message.Contains(secret, StringComparison.Ordinal));
}
