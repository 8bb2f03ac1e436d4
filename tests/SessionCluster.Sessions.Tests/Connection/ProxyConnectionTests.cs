using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.TestKit.Xunit2;
using SessionCluster.Protocol.Binary;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using static SessionCluster.Sessions.Connection.ConnectionProtocol;

namespace SessionCluster.Sessions.Tests.Connection;

/// <summary>
/// The connection through a proxy, against the simulator and the tests' SOCKS5 and HTTP CONNECT proxies: it opens only
/// through the proxy, and every way a proxy fails is one <see cref="ConnectionLost"/> with reason Proxy naming the
/// proxy's host:port and never the password, well within the connect timeout. Timeouts are ceilings, not speed checks.
/// </summary>
public sealed class ProxyConnectionTests : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly ListLoggerFactory _logs = new();

    [Fact]
    public async Task A_connection_through_the_SOCKS5_proxy_with_its_credentials_opens_and_gets_the_pair_device_iq()
    {
        await using var host = await Simulators.StartAsync();
        await using var proxy = new Socks5TestProxy(IPAddress.Parse("127.0.0.2"));

        var parent = Connect(Simulators.Registering(host) with { Proxy = proxy.Settings() });

        parent.ExpectMsg<ConnectionOpened>(Patience);
        Assert.Equal("iq", parent.ExpectMsg<NodeReceived>(Patience).Node.Tag);
        Assert.Equal(1, proxy.Tunnels);
    }

    [Fact]
    public async Task A_connection_through_the_HTTP_CONNECT_proxy_with_its_credentials_opens_and_gets_the_pair_device_iq()
    {
        await using var host = await Simulators.StartAsync();
        await using var proxy = new HttpConnectTestProxy(IPAddress.Parse("127.0.0.3"));

        var parent = Connect(Simulators.Registering(host) with { Proxy = proxy.Settings() });

        parent.ExpectMsg<ConnectionOpened>(Patience);
        Assert.Equal("iq", parent.ExpectMsg<NodeReceived>(Patience).Node.Tag);
        Assert.Equal(1, proxy.Tunnels);
    }

    [Fact]
    public async Task Over_wss_through_a_proxy_the_pinned_certificate_is_still_the_only_TLS_root()
    {
        await using var host = await Simulators.StartAsync(new SimulatorOptions { Tls = true });
        using var certificate = await Simulators.FetchCertificateAsync(host);
        using var other = Simulators.UnrelatedCertificate();
        await using var proxy = new Socks5TestProxy(IPAddress.Parse("127.0.0.2"));

        var pinned = Connect(Simulators.Registering(host) with { Proxy = proxy.Settings(), PinnedCertificate = certificate });
        pinned.ExpectMsg<ConnectionOpened>(Patience);
        var wrong = Connect(Simulators.Registering(host) with { Proxy = proxy.Settings(), PinnedCertificate = other });
        Assert.Equal(ConnectionLossReason.Tls, wrong.ExpectMsg<ConnectionLost>(Patience).Reason);
    }

    [Fact]
    public async Task A_wrong_SOCKS5_password_is_lost_as_Proxy_naming_the_proxy_and_authentication_and_never_the_password()
    {
        await using var host = await Simulators.StartAsync();
        await using var proxy = new Socks5TestProxy(IPAddress.Parse("127.0.0.2"));
        const string wrong = "not-the-socks-password-3X";

        var lost = Connect(Simulators.Registering(host) with { Proxy = proxy.Settings(wrong) }).ExpectMsg<ConnectionLost>(Patience);

        Assert.Equal(ConnectionLossReason.Proxy, lost.Reason);
        Assert.Contains($"SOCKS5 proxy 127.0.0.1:{proxy.Port}", lost.Detail, StringComparison.Ordinal);
        Assert.Contains("rejected the username and password", lost.Detail, StringComparison.Ordinal);
        Assert.Equal(ProxyFailure.AuthenticationFailed, Assert.IsType<ProxyException>(Innermost<ProxyException>(lost.Cause)).Failure);
        AssertNowhere(wrong, lost);
        Assert.Equal(0, proxy.Tunnels);
    }

    [Fact]
    public async Task A_wrong_HTTP_proxy_password_is_lost_as_Proxy_with_the_407_and_never_the_password()
    {
        await using var host = await Simulators.StartAsync();
        await using var proxy = new HttpConnectTestProxy(IPAddress.Parse("127.0.0.3"));
        const string wrong = "not-the-http-password-5K";

        var lost = Connect(Simulators.Registering(host) with { Proxy = proxy.Settings(wrong) }).ExpectMsg<ConnectionLost>(Patience);

        Assert.Equal(ConnectionLossReason.Proxy, lost.Reason);
        Assert.Contains($"HTTP CONNECT proxy 127.0.0.1:{proxy.Port}", lost.Detail, StringComparison.Ordinal);
        Assert.Contains("407", lost.Detail, StringComparison.Ordinal);
        Assert.Contains("rejected the credentials", lost.Detail, StringComparison.Ordinal);
        AssertNowhere(wrong, lost);
        Assert.Equal(0, proxy.Tunnels);
    }

    [Theory]
    [InlineData(ProxyKind.Socks5)]
    [InlineData(ProxyKind.HttpConnect)]
    public async Task A_dead_proxy_is_lost_as_Proxy_at_once_not_after_the_connect_timeout(ProxyKind kind)
    {
        await using var host = await Simulators.StartAsync();
        var dead = new ProxySettings(kind, "127.0.0.1", FreePort(), "user", "dead-proxy-password");
        var started = Stopwatch.StartNew();

        var lost = Connect(Simulators.Registering(host) with { Proxy = dead, ConnectTimeout = TimeSpan.FromSeconds(30) }).ExpectMsg<ConnectionLost>(Patience);

        Assert.Equal(ConnectionLossReason.Proxy, lost.Reason);
        Assert.Contains($"proxy 127.0.0.1:{dead.Port}: could not connect to the proxy", lost.Detail, StringComparison.Ordinal);
        // Refused at once: far less than the 30 s connect timeout (a generous ceiling for a loaded machine).
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"took {started.Elapsed}");
        AssertNowhere("dead-proxy-password", lost);
    }

    [Fact]
    public async Task A_proxy_that_accepts_but_never_answers_is_lost_as_Proxy_when_the_connect_timeout_ends()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var proxy = new ProxySettings(ProxyKind.Socks5, "127.0.0.1", ((IPEndPoint)silent.LocalEndpoint).Port);
        await using var host = await Simulators.StartAsync();

        var lost = Connect(Simulators.Registering(host) with { Proxy = proxy, ConnectTimeout = TimeSpan.FromSeconds(1) }).ExpectMsg<ConnectionLost>(Patience);

        Assert.Equal(ConnectionLossReason.Proxy, lost.Reason);
        Assert.Contains("no tunnel within the connect timeout", lost.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ProxyKind.Socks5)]
    [InlineData(ProxyKind.HttpConnect)]
    public async Task A_proxy_that_cannot_reach_the_server_is_lost_as_Proxy_saying_so(ProxyKind kind)
    {
        await using TestProxy proxy = kind == ProxyKind.Socks5 ? new Socks5TestProxy(IPAddress.Parse("127.0.0.2")) : new HttpConnectTestProxy(IPAddress.Parse("127.0.0.3"));
        var nowhere = new Uri($"ws://127.0.0.1:{FreePort()}/ws/chat");

        var lost = Connect(Simulators.Registering(nowhere, new byte[32]) with { Proxy = proxy.Settings() }).ExpectMsg<ConnectionLost>(Patience);

        Assert.Equal(ConnectionLossReason.Proxy, lost.Reason);
        Assert.Equal(ProxyFailure.TargetUnreachable, Innermost<ProxyException>(lost.Cause)!.Failure);
        Assert.Contains($"127.0.0.1:{nowhere.Port}", lost.Detail, StringComparison.Ordinal);
    }

    private Akka.TestKit.TestProbe Connect(ConnectionSettings settings)
    {
        var parent = CreateTestProbe();
        Sys.ActorOf(ConnectionActor.Props(settings, parent.Ref, _logs.CreateLogger(nameof(ConnectionActor))));
        return parent;
    }

    /// <summary>The password is in neither the loss's detail, nor its cause's messages, nor any log line.</summary>
    private void AssertNowhere(string password, ConnectionLost lost)
    {
        Assert.DoesNotContain(password, lost.Detail, StringComparison.Ordinal);
        for (var cause = lost.Cause; cause is not null; cause = cause.InnerException)
        {
            Assert.DoesNotContain(password, cause.ToString(), StringComparison.Ordinal);
        }

        Assert.NotEmpty(_logs.Entries);
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains(password, StringComparison.Ordinal));
    }

    private static T? Innermost<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>A port that was free a moment ago: nothing listens on it now.</summary>
    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
