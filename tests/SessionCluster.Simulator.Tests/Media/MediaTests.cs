using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests.Media;

public sealed class MediaTests
{
    [Fact]
    public async Task Media_conn_names_the_https_media_host_and_an_upload_round_trips_by_url_and_direct_path()
    {
        await using var host = await TestSimulator.StartAsync();
        var auth = await MediaConnAsync(host);
        var body = RandomNumberGenerator.GetBytes(70_001);
        var token = Base64Url(SHA256.HashData(body));
        using var http = Http();
        using var upload = await http.PostAsync($"{host.MediaUrl}/mms/image/{token}?auth={Uri.EscapeDataString(auth)}&token={token}", new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        using var json = JsonDocument.Parse(await upload.Content.ReadAsStringAsync());
        var url = json.RootElement.GetProperty("url").GetString()!;
        var directPath = json.RootElement.GetProperty("direct_path").GetString()!;
        Assert.StartsWith("/v/", directPath, StringComparison.Ordinal);
        Assert.Equal(host.MediaUrl + directPath, url);

        Assert.Equal(body, await http.GetByteArrayAsync(url));
        // WM appends its own query to the direct path (&hash=…&mms-type=…); the stored blob is found by path.
        Assert.Equal(body, await http.GetByteArrayAsync($"{host.MediaUrl}{directPath}&hash={token}&mms-type=image&__wa-mms="));
    }

    [Fact]
    public async Task An_upload_whose_token_is_not_the_hash_of_the_body_is_refused_and_nothing_is_stored()
    {
        await using var host = await TestSimulator.StartAsync();
        var auth = await MediaConnAsync(host);
        var body = RandomNumberGenerator.GetBytes(1000);
        var other = Base64Url(SHA256.HashData(RandomNumberGenerator.GetBytes(1000)));
        using var http = Http();
        using var response = await http.PostAsync($"{host.MediaUrl}/mms/image/{other}?auth={Uri.EscapeDataString(auth)}&token={other}", new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, host.Server.Media.Store.Count);
    }

    [Fact]
    public async Task Padded_tokens_are_accepted_as_whatsmeow_sends_them()
    {
        await using var host = await TestSimulator.StartAsync();
        var auth = await MediaConnAsync(host);
        var body = RandomNumberGenerator.GetBytes(100);
        var padded = Convert.ToBase64String(SHA256.HashData(body)).Replace('+', '-').Replace('/', '_');
        Assert.EndsWith("=", padded, StringComparison.Ordinal);
        using var http = Http();
        using var response = await http.PostAsync($"{host.MediaUrl}/mms/document/{Uri.EscapeDataString(padded)}?auth={Uri.EscapeDataString(auth)}&token={Uri.EscapeDataString(padded)}", new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("image", "not-issued", HttpStatusCode.Unauthorized)]
    [InlineData("image", null, HttpStatusCode.Unauthorized)]
    [InlineData("ppic", "issued", HttpStatusCode.NotFound)]
    public async Task Uploads_need_an_issued_auth_and_an_mms_type(string type, string? auth, HttpStatusCode expected)
    {
        await using var host = await TestSimulator.StartAsync();
        var issued = await MediaConnAsync(host);
        var body = RandomNumberGenerator.GetBytes(100);
        var token = Base64Url(SHA256.HashData(body));
        var query = auth is null ? "" : "?auth=" + Uri.EscapeDataString(auth == "issued" ? issued : auth);
        using var http = Http();
        using var response = await http.PostAsync($"{host.MediaUrl}/mms/{type}/{token}{query}", new ByteArrayContent(body));
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(0, host.Server.Media.Store.Count);
    }

    [Fact]
    public async Task An_unknown_direct_path_is_404()
    {
        await using var host = await TestSimulator.StartAsync();
        using var http = Http();
        using var response = await http.GetAsync($"{host.MediaUrl}/v/t62.7118-24/00.enc?ccb=11-4");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_media_host_certificate_is_self_signed_for_loopback()
    {
        await using var host = await TestSimulator.StartAsync();
        System.Security.Cryptography.X509Certificates.X509Certificate2? seen = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                seen = certificate is null ? null : System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.RawData);
                return true;
            },
        };
        using var http = new HttpClient(handler);
        using var response = await http.GetAsync($"{host.MediaUrl}/v/none.enc");
        Assert.NotNull(seen);
        Assert.Equal(seen.Subject, seen.Issuer);
        Assert.Equal(host.Server.Media.Certificate!.Thumbprint, seen.Thumbprint);
    }

    private static async Task<string> MediaConnAsync(SimulatorHost host)
    {
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var deviceId = await TestLinking.LinkAsync(host, phone, device);
        var (connection, _) = await TestLinking.LoginAsync(host, phone, deviceId, device);
        await using (connection)
        {
            var reply = await connection.QueryAsync("w:m", "set", new Node("media_conn"));
            Assert.Equal("result", reply.GetString("type"));
            var conn = reply.GetChild("media_conn");
            Assert.Equal(new Uri(host.MediaUrl).Authority, conn.GetChild("host").GetString("hostname"));
            Assert.True(int.Parse(conn.GetString("ttl"), System.Globalization.CultureInfo.InvariantCulture) > 0);
            return conn.GetString("auth");
        }
    }

    private static HttpClient Http() => new(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator }, disposeHandler: true);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
