using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SessionCluster.Simulator;
using SessionCluster.Simulator.Linking;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>What the interop tests against the simulator share: accounts, QR linking through the admin API, JSON bodies, waiting,
/// a log collecting the simulator's lines and Baileys' stderr for a failing test.</summary>
internal static class SimulatorInteropSupport
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(90);

    public static async Task<string> CreateAccountAsync(HttpClient http, SimulatorHost host, string phone)
    {
        using var response = await http.PostAsync(host.AdminUrl + "/accounts", Json(new { phone }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return phone;
    }

    /// <summary>Starts a Baileys client, links it to <paramref name="phone"/> by QR and waits for 'open'.</summary>
    public static async Task<(BaileysClient Client, LinkedCompanion Linked)> StartLinkedAsync(
        HttpClient http, SimulatorHost host, string phone, string authFolder, BaileysClientOptions options)
    {
        var client = await BaileysClient.StartAsync(host.WebSocketUrl, host.RootPublicKey, authFolder, options);
        try
        {
            var qr = await client.WaitForQrAsync(WaitLimit);
            using var link = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link", Json(new { qr = qr.Qr }));
            Assert.Equal(HttpStatusCode.OK, link.StatusCode);
            var linked = await link.Content.ReadFromJsonAsync<LinkedCompanion>();
            Assert.NotNull(linked);
            await client.WaitForOpenAsync(WaitLimit);
            await client.WaitForPairedAsync(WaitLimit);
            // The prekey upload lands before the companion can be messaged.
            await WaitUntilAsync(
                async () => ((await http.GetFromJsonAsync<DeviceResponse[]>($"{host.AdminUrl}/accounts/{phone}/devices")) ?? []).Any(d => d.Device == linked.Device && d.PreKeys > 0),
                "the prekey upload");
            return (client, linked);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts a Baileys client and links it to <paramref name="phone"/>, by QR or by pairing code; then the phone's history
    /// sync (which ends Baileys' first-login wait and hands it every existing account's PN↔LID mapping, so create the
    /// accounts first), and the new device's prekey upload. Returns the client and its device number.
    /// </summary>
    public static async Task<(BaileysClient Client, int Device)> LinkWithHistorySyncAsync(
        HttpClient http, SimulatorHost host, string phone, string authFolder, BaileysClientOptions options, bool byPairingCode = false)
    {
        var client = await BaileysClient.StartAsync(host.WebSocketUrl, host.RootPublicKey, authFolder, options);
        try
        {
            var before = (await DevicesAsync(http, host, phone)).Select(d => d.Device).ToHashSet();
            if (byPairingCode)
            {
                var code = await client.RequestPairingCodeAsync(phone);

                // requestPairingCode does not wait for the server's answer to companion_hello: retry while none is pending.
                var status = HttpStatusCode.NotFound;
                await WaitUntilAsync(async () =>
                {
                    using var entered = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link-code", Json(new { code = code[..4] + "-" + code[4..] }));
                    status = entered.StatusCode;
                    return status != HttpStatusCode.NotFound;
                });
                Assert.Equal(HttpStatusCode.OK, status);
            }
            else
            {
                var qr = await client.WaitForQrAsync(WaitLimit);
                using var link = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link", Json(new { qr = qr.Qr }));
                Assert.Equal(HttpStatusCode.OK, link.StatusCode);
            }

            await client.WaitForOpenAsync(WaitLimit);
            await client.WaitForPairedAsync(WaitLimit);
            using (var sync = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/history-sync", null))
            {
                Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
            }

            // The prekey upload lands before the companion can be messaged.
            await WaitUntilAsync(async () => (await DevicesAsync(http, host, phone)).Any(d => !before.Contains(d.Device) && d.PreKeys > 0), "the prekey upload");
            return (client, (await DevicesAsync(http, host, phone)).Single(d => !before.Contains(d.Device)).Device);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public static async Task<DeviceResponse[]> DevicesAsync(HttpClient http, SimulatorHost host, string phone) =>
        await http.GetFromJsonAsync<DeviceResponse[]>($"{host.AdminUrl}/accounts/{phone}/devices") ?? [];

    /// <summary>What the phone the simulator plays for <paramref name="phone"/> received and sent (its admin view).</summary>
    public static async Task<SessionCluster.Simulator.Phone.PhoneMessage[]> PhoneMessagesAsync(HttpClient http, SimulatorHost host, string phone) =>
        await http.GetFromJsonAsync<SessionCluster.Simulator.Phone.PhoneMessage[]>($"{host.AdminUrl}/accounts/{phone}/messages") ?? [];

    public static StringContent Json(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what = "The condition")
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what + " did not happen in time.");
            await Task.Delay(100);
        }
    }
}

/// <summary>Collects the simulator's log and Baileys' stderr so a failing test shows both.</summary>
internal sealed class InteropLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IEnumerable<string> Lines => _lines;

    public void Attach(ILoggingBuilder builder)
    {
        builder.AddProvider(this);
        builder.SetMinimumLevel(LogLevel.Debug);
        builder.AddFilter("Microsoft", LogLevel.Warning);
    }

    public void Add(string line) => _lines.Enqueue("baileys: " + line);

    /// <summary>A line as it is (the caller says where it comes from).</summary>
    public void Write(string line) => _lines.Enqueue(line);

    /// <summary>Driver options logging into this log; history sync skipped so messages are not held 20 s after the first login.</summary>
    public BaileysClientOptions Options(string name) =>
        new() { LogLevel = "info", StderrLine = line => _lines.Enqueue($"baileys {name}: {line}"), SkipHistorySync = true, WaitTimeout = SimulatorInteropSupport.WaitLimit };

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(InteropLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log._lines.Enqueue($"simulator {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}
