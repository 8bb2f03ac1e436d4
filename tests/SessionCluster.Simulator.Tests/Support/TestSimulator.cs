namespace SessionCluster.Simulator.Tests.Support;

/// <summary>Starts an embedded simulator with test timings; one per test (they are cheap).</summary>
internal static class TestSimulator
{
    /// <summary>Starts a simulator; the close grace is shortened so that tests asserting a server-side close stay fast.</summary>
    public static Task<SimulatorHost> StartAsync(SimulatorOptions? options = null) =>
        SimulatorHost.StartAsync((options ?? new SimulatorOptions()) with { CloseGrace = TimeSpan.FromMilliseconds(300) });

    /// <summary>Creates an account through the admin API's code path and returns its phone number.</summary>
    public static async Task<string> CreateAccountAsync(SimulatorHost host, string phone = "15550001111")
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(host.AdminUrl + "/accounts", Json(new { phone }));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return phone;
    }

    public static StringContent Json(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
