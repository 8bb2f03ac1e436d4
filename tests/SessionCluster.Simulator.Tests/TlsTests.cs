using System.Net;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests;

/// <summary>The chat endpoint over TLS (<c>--tls</c>): a certificate made at start-up, given by the admin API for pinning.</summary>
public sealed class TlsTests
{
    [Fact]
    public async Task A_client_trusting_only_the_admin_api_certificate_links_and_logs_in_over_wss()
    {
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions { Tls = true });
        Assert.StartsWith("wss://127.0.0.1:", host.WebSocketUrl, StringComparison.Ordinal);
        Assert.StartsWith("http://127.0.0.1:", host.AdminUrl, StringComparison.Ordinal);
        var pinned = await TestTls.FetchCertificateAsync(host);
        var verdicts = new List<bool>();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var deviceId = await TestLinking.LinkAsync(host, phone, device);

        await using var connection = await TestConnection.ConnectAsync(host, device.Noise, TestDevice.LoginPayload(phone, deviceId), TestTls.TrustOnly(pinned, verdicts));
        var success = await connection.ReceiveAsync();
        Assert.Equal("success", success.Tag);
        var pong = await connection.QueryAsync("w:p", "get", new Protocol.Binary.Node("ping"));
        Assert.Equal("result", pong.GetString("type"));
        Assert.Equal([true], verdicts);
    }

    [Fact]
    public async Task A_client_trusting_only_the_system_roots_is_refused_by_its_own_certificate_check()
    {
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions { Tls = true });
        var refused = await Assert.ThrowsAsync<WebSocketException>(() =>
            TestConnection.ConnectAsync(host, new TestDevice().Noise, new TestDevice().RegistrationPayload(), (_, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None));
        Assert.True(Causes(refused).OfType<AuthenticationException>().Any(), refused.ToString());
        Assert.Equal(0, host.Server.Stats.Snapshot(0, 0).ConnectionsTotal);
    }

    [Fact]
    public async Task A_client_pinning_another_simulators_certificate_is_refused()
    {
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions { Tls = true });
        await using var other = await TestSimulator.StartAsync(new SimulatorOptions { Tls = true });
        var verdicts = new List<bool>();
        var trustOther = TestTls.TrustOnly(await TestTls.FetchCertificateAsync(other), verdicts);
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => TestConnection.ConnectAsync(host, new TestDevice().Noise, new TestDevice().RegistrationPayload(), trustOther));
        Assert.True(Causes(refused).OfType<AuthenticationException>().Any(), refused.ToString());
        Assert.Equal([false], verdicts);
    }

    [Fact]
    public async Task The_media_host_serves_the_same_certificate_the_admin_api_gives()
    {
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions { Tls = true });
        var pinned = await TestTls.FetchCertificateAsync(host);
        var verdicts = new List<bool>();
        var trust = TestTls.TrustOnly(pinned, verdicts);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (request, certificate, chain, errors) => trust(request, certificate, chain, errors) };
        using var http = new HttpClient(handler);
        using var response = await http.GetAsync($"{host.MediaUrl}/v/none.enc");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal([true], verdicts);
        Assert.Equal(pinned.RawData, X509Certificate2.CreateFromPem(host.CertificatePem).RawData);
    }

    [Fact]
    public async Task Under_tls_the_plain_listener_refuses_the_chat_endpoint_and_keeps_the_admin_api()
    {
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions { Tls = true });
        using var webSocket = new ClientWebSocket();
        var plain = host.AdminUrl.Replace("http://", "ws://", StringComparison.Ordinal).Replace("/admin", "/ws/chat", StringComparison.Ordinal);
        await Assert.ThrowsAsync<WebSocketException>(() => webSocket.ConnectAsync(new Uri(plain), CancellationToken.None));

        using var http = new HttpClient();
        using var response = await http.GetAsync(plain.Replace("ws://", "http://", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Without_tls_the_certificate_endpoint_is_a_404_problem()
    {
        await using var host = await TestSimulator.StartAsync();
        Assert.StartsWith("ws://", host.WebSocketUrl, StringComparison.Ordinal);
        using var http = new HttpClient();
        using var response = await http.GetAsync(host.AdminUrl + "/tls/certificate");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static IEnumerable<Exception> Causes(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
        }
    }
}
