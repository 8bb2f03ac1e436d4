using System.Net;
using System.Net.Http.Json;
using SessionCluster.Simulator;

namespace SessionCluster.Edge.Tests;

/// <summary>The simulator's phones through its admin API: accounts, scanning a QR, and what a phone received.</summary>
internal static class SimulatorPhones
{
    public static async Task CreateAccountAsync(SimulatorHost host, string phone)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync($"{host.AdminUrl}/accounts", new { phone });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>The phone scans <paramref name="qr"/>; the simulator answers once the companion has answered pair-success.</summary>
    public static async Task ScanAsync(SimulatorHost host, string phone, string qr)
    {
        using var http = new HttpClient { Timeout = EdgeNode.Deadline };
        using var response = await http.PostAsJsonAsync($"{host.AdminUrl}/accounts/{phone}/link", new { qr });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"the scan answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static async Task<PhoneMessage[]> MessagesAsync(SimulatorHost host, string phone)
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<PhoneMessage[]>($"{host.AdminUrl}/accounts/{phone}/messages"))!;
    }

    internal sealed record PhoneMessage(string Id, string Chat, string Sender, string Kind, string? Text, bool SentCopy);
}
