using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using SessionCluster.Host;
using SessionCluster.Simulator;

namespace SessionCluster.Edge.Tests;

/// <summary>
/// A real node (<see cref="NodeHost.Build"/>, the executable's composition) on free loopback ports with a temp data
/// folder, its sessions pointed at a simulator started in this process, and an HttpClient that sends the admin key.
/// </summary>
public sealed class EdgeNode : IAsyncLifetime
{
    /// <summary>How long a test waits for the node or a session to reach a state: a deadline, not a speed claim.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public const string AdminKey = "test-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";

    private readonly string[] _arguments;
    private WebApplication? _app;

    public EdgeNode()
        : this([])
    {
    }

    /// <summary>A node with more command-line settings (last wins), for a test that needs other options.</summary>
    internal EdgeNode(params string[] arguments) => _arguments = arguments;

    public SimulatorHost Simulator { get; private set; } = null!;

    /// <summary>More command-line settings for the node (a fixture of its own sets them).</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    public string DataFolder { get; } = Directory.CreateTempSubdirectory("sessioncluster-edge-").FullName;

    /// <summary>The node's address with <c>Authorization: Bearer</c> the admin key.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>The node's address without credentials.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>The node's services (its endpoints, for tests that compare them with what the node documents).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The node is not started.");

    public async Task InitializeAsync()
    {
        Simulator = await SimulatorHost.StartAsync(new SimulatorOptions { CloseGrace = TimeSpan.FromMilliseconds(300) });
        await StartNodeAsync();
    }

    /// <summary>Stops the node and starts it again on the same data folder (new port; <see cref="Http"/> is a new client).</summary>
    public async Task RestartAsync()
    {
        Http.Dispose();
        Anonymous.Dispose();
        await _app!.StopAsync();
        await _app.DisposeAsync();
        await StartNodeAsync();
    }

    private async Task StartNodeAsync()
    {
        // The simulator's media host is HTTPS with its own certificate: the node's uploads trust it (as --simulator does).
        var certificateFile = Path.Combine(DataFolder, "simulator.pem");
        Directory.CreateDirectory(DataFolder);
        await File.WriteAllTextAsync(certificateFile, Simulator.CertificatePem);
        _app = NodeHost.Build([
            "--data", DataFolder, "--SC:Node:HttpUrl=http://127.0.0.1:0", "--SC:Node:RemotingPort=0",
            $"--SC:Edge:AdminKey={AdminKey}",
            $"--SC:WhatsApp:ServerUrl={Simulator.WebSocketUrl}",
            $"--SC:WhatsApp:RootPublicKey={Convert.ToHexString(Simulator.RootPublicKey.Span)}",
            $"--SC:WhatsApp:TrustedCertificateFile={certificateFile}",
            .. _arguments,
            .. ExtraArgs,
        ]);
        await _app.StartAsync();
        var address = new Uri(_app.HttpAddresses().Single());
        Http = new HttpClient { BaseAddress = address, Timeout = Deadline };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Anonymous = new HttpClient { BaseAddress = address, Timeout = Deadline };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        Anonymous.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await Simulator.DisposeAsync();
        Directory.Delete(DataFolder, recursive: true);
    }

    /// <summary>Creates a tenant (optionally with quotas) and one API key for it; a client that sends that key.</summary>
    public async Task<HttpClient> TenantClientAsync(string tenantId, int? maxSessions = null, int? messagesPerSecond = null)
    {
        using var tenant = await Http.PostAsJsonAsync("/v1/admin/tenants", new { id = tenantId, maxSessions, messagesPerSecond });
        Assert.True(tenant.StatusCode == HttpStatusCode.Created, $"create tenant {tenantId}: {(int)tenant.StatusCode} {await tenant.Content.ReadAsStringAsync()}");
        using var key = await Http.PostAsJsonAsync($"/v1/admin/tenants/{tenantId}/keys", new { name = "test" });
        Assert.True(key.StatusCode == HttpStatusCode.Created, $"create key for {tenantId}: {(int)key.StatusCode}");
        using var body = JsonDocument.Parse(await key.Content.ReadAsStringAsync());
        var client = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = Deadline };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.RootElement.GetProperty("key").GetString());
        return client;
    }

    /// <summary>Creates a session through the API and fails unless it answers 201.</summary>
    public async Task CreateSessionAsync(string id)
    {
        using var response = await Http.PostAsJsonAsync("/v1/sessions", new { id });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Every event of a session through <c>/events</c>, page by page.</summary>
    public async Task<List<JsonElement>> EventsAsync(string id)
    {
        var all = new List<JsonElement>();
        var after = 0L;
        while (true)
        {
            using var page = JsonDocument.Parse(await Http.GetStringAsync($"/v1/sessions/{id}/events?after={after}&limit=1000"));
            var events = page.RootElement.GetProperty("events").EnumerateArray().Select(e => e.Clone()).ToList();
            if (events.Count == 0)
            {
                return all;
            }

            // A page that does not move past `after` would make this loop forever: fail instead.
            Assert.All(events, e => Assert.True(e.GetProperty("seq").GetInt64() > after, $"a page after {after} holds seq {e.GetProperty("seq")}"));
            all.AddRange(events);
            after = page.RootElement.GetProperty("next").GetInt64();
        }
    }

    /// <summary>Reads <c>/events</c> until <paramref name="done"/> holds for them; fails after <see cref="Deadline"/>.</summary>
    public async Task<List<JsonElement>> WaitForEventsAsync(string id, Func<List<JsonElement>, bool> done, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var events = await EventsAsync(id);
            if (done(events))
            {
                return events;
            }

            Assert.True(DateTime.UtcNow < until, $"Waited {Deadline} for {what}; events: {string.Join(", ", events.Select(e => e.GetProperty("type").GetString()))}");
            await Task.Delay(200);
        }
    }
}
