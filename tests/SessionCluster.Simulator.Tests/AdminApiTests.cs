using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests;

public sealed class AdminApiTests
{
    [Fact]
    public async Task Root_key_is_the_one_clients_must_trust()
    {
        await using var host = await TestSimulator.StartAsync();
        using var http = new HttpClient();
        var body = await http.GetFromJsonAsync<JsonElement>(host.AdminUrl + "/root-key");
        Assert.Equal(Convert.ToHexStringLower(host.RootPublicKey.Span), body.GetProperty("publicKey").GetString());
    }

    [Fact]
    public async Task Creating_an_account_returns_its_jid_and_lid()
    {
        await using var host = await TestSimulator.StartAsync();
        using var http = new HttpClient();
        using var response = await http.PostAsync(host.AdminUrl + "/accounts", TestSimulator.Json(new { phone = "15550002222" }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("15550002222", body.GetProperty("phone").GetString());
        Assert.Equal("15550002222@s.whatsapp.net", body.GetProperty("jid").GetString());
        Assert.Matches("^[1-9][0-9]{14}@lid$", body.GetProperty("lid").GetString());
    }

    public static TheoryData<string, string, string, HttpStatusCode> BadRequests() => new()
    {
        { "POST", "/accounts", "{\"phone\":\"12ab\"}", HttpStatusCode.BadRequest },
        { "POST", "/accounts", "{\"phone\":\"0155500\"}", HttpStatusCode.BadRequest },
        { "POST", "/accounts", "not json", HttpStatusCode.BadRequest },
        { "POST", "/accounts", "{}", HttpStatusCode.BadRequest },
        { "POST", "/accounts", "{\"phone\":\"15550001111\"}", HttpStatusCode.Conflict },
        { "GET", "/accounts/15559999999", "", HttpStatusCode.NotFound },
        { "GET", "/accounts/15559999999/devices", "", HttpStatusCode.NotFound },
        { "POST", "/accounts/15550001111/link", "{}", HttpStatusCode.BadRequest },
        { "POST", "/accounts/15550001111/link", "{\"qr\":\"not,a,qr\"}", HttpStatusCode.BadRequest },
        { "POST", "/accounts/15559999999/link", "{\"qr\":\"x\"}", HttpStatusCode.NotFound },
        { "DELETE", "/accounts/15550001111/devices/0", "", HttpStatusCode.BadRequest },
        { "DELETE", "/accounts/15550001111/devices/x", "", HttpStatusCode.BadRequest },
        { "DELETE", "/accounts/15550001111/devices/9", "", HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_requests_get_problem_responses(string method, string path, string body, HttpStatusCode expected)
    {
        await using var host = await TestSimulator.StartAsync();
        await TestSimulator.CreateAccountAsync(host, "15550001111");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), host.AdminUrl + path);
        if (method == "POST")
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task A_qr_whose_ref_no_connection_shows_is_not_found()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        using var http = new HttpClient();
        using var response = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link", TestSimulator.Json(new { qr = new TestDevice().Qr("2@nobody") }));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Stats_count_connections_and_logins()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var deviceId = await TestLinking.LinkAsync(host, phone, device);
        var (connection, _) = await TestLinking.LoginAsync(host, phone, deviceId, device);
        await using (connection)
        {
            using var http = new HttpClient();
            var stats = await http.GetFromJsonAsync<StatsSnapshot>(host.AdminUrl + "/stats");
            Assert.NotNull(stats);
            Assert.Equal(1, stats.Accounts);
            Assert.Equal(1, stats.Registrations);
            Assert.Equal(1, stats.DevicesLinked);
            Assert.Equal(1, stats.Logins);
            Assert.Equal(2, stats.ConnectionsTotal);
            Assert.True(stats.StanzasOut >= 3);
        }
    }
}
