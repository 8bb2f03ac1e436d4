using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace SessionCluster.Benchmarks.Sessions;

/// <summary>The simulator process's admin API (docs/SIMULATOR.md), as the benchmark uses it.</summary>
internal sealed class SimulatorAdmin(string adminUrl) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromSeconds(120) };

    public string Url => adminUrl;

    public static string Phone(string prefix, int i) => prefix + i.ToString("D7", CultureInfo.InvariantCulture);

    public static string UserJid(string phone) => phone + "@s.whatsapp.net";

    public async Task<X509Certificate2> CertificateAsync() =>
        X509Certificate2.CreateFromPem(await _http.GetStringAsync(adminUrl + "/tls/certificate"));

    public async Task CreateAccountAsync(string phone)
    {
        using var response = await _http.PostAsJsonAsync(adminUrl + "/accounts", new { phone });
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
        {
            throw new InvalidOperationException($"POST /accounts {phone}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>The phone scans <paramref name="qr"/>; returns once the companion is linked.</summary>
    public async Task LinkAsync(string phone, string qr)
    {
        using var response = await _http.PostAsJsonAsync($"{adminUrl}/accounts/{phone}/link", new { qr });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"POST /accounts/{phone}/link: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>The phone of <paramref name="phone"/> sends a text to <paramref name="to"/>; returns the message id.</summary>
    public async Task<string> SendTextAsync(string phone, string to, string text)
    {
        using var response = await _http.PostAsJsonAsync($"{adminUrl}/accounts/{phone}/messages", new { to, text });
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST /accounts/{phone}/messages: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Stanzas for companions are queued, not written, until <see cref="ReleaseRelayAsync"/> (docs/SIMULATOR.md).</summary>
    public async Task HoldRelayAsync()
    {
        using var response = await _http.PostAsync(adminUrl + "/relay/hold", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Writes every held stanza to its active companion at once.</summary>
    public async Task ReleaseRelayAsync()
    {
        using var response = await _http.PostAsync(adminUrl + "/relay/release", null);
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonElement> StatsAsync()
    {
        using var body = JsonDocument.Parse(await _http.GetStringAsync(adminUrl + "/stats"));
        return body.RootElement.Clone();
    }

    public void Dispose() => _http.Dispose();
}
