using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using SessionCluster.Simulator;
using SessionCluster.TestSupport;

namespace SessionCluster.Host.Tests.Clustering;

/// <summary>
/// A real cluster on this machine for the multi-process tests (docs/CLUSTER.md "How the cluster is tested"): one
/// PostgreSQL database (the journal, the leases, the edge store), the WhatsApp simulator in the test process, and
/// node processes of the built executable, each with its own data folder, remoting port and HTTP port, all listing
/// the first three nodes' addresses as seeds and sharing the secrets key and the admin key, as a deployment does.
/// </summary>
internal sealed class ClusterRig : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private readonly string _root;
    private readonly string _connectionString;
    private readonly string _certificateFile;
    private readonly string _secretsKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly int[] _seedPorts;
    private readonly List<ClusterNode> _nodes = [];
    private int _started;

    private ClusterRig(string root, string connectionString, SimulatorHost simulator, int[] seedPorts)
    {
        _root = root;
        _connectionString = connectionString;
        Simulator = simulator;
        _seedPorts = seedPorts;
        _certificateFile = Path.Combine(root, "simulator.pem");
        File.WriteAllText(_certificateFile, simulator.CertificatePem);
    }

    public string AdminKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(33));

    public SimulatorHost Simulator { get; }

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    public string ConnectionString => _connectionString;

    /// <summary>Starts the simulator and reserves the seed ports; no node runs yet.</summary>
    public static async Task<ClusterRig> CreateAsync(PostgresServer postgres, string name)
    {
        var connectionString = await postgres.CreateDatabaseAsync(name);
        var root = Directory.CreateTempSubdirectory("sessioncluster-cluster-").FullName;
        var simulator = await SimulatorHost.StartAsync();
        return new ClusterRig(root, connectionString, simulator, [FreePort(), FreePort(), FreePort()]);
    }

    /// <summary>The Akka address of a node on <paramref name="port"/>.</summary>
    public static string AddressOf(int port) => string.Create(CultureInfo.InvariantCulture, $"akka.tcp://sessioncluster@127.0.0.1:{port}");

    /// <summary>
    /// Starts the next node: the first three take the seed ports (the first forms the cluster), later ones a free
    /// port. Returns once its HTTP port answers; <see cref="ClusterNode.WaitUpAsync"/> waits for membership.
    /// </summary>
    public async Task<ClusterNode> StartNodeAsync(string appVersion = "1.0.0", string[]? roles = null, int? port = null, string? dataFolder = null)
    {
        return await StartNodeAsync(appVersion, roles, port, dataFolder, settings: null);
    }

    /// <summary>As <see cref="StartNodeAsync(string, string[], int?, string)"/>, with more node settings (<c>SC__…</c> variables) on top.</summary>
    public async Task<ClusterNode> StartNodeAsync(string appVersion, string[]? roles, int? port, string? dataFolder, IReadOnlyDictionary<string, string>? settings)
    {
        var index = _started++;
        var remotingPort = port ?? (index < _seedPorts.Length ? _seedPorts[index] : FreePort());
        var data = dataFolder ?? Directory.CreateDirectory(Path.Combine(_root, $"node-{index}")).FullName;
        var environment = new Dictionary<string, string>
        {
            ["SC__Persistence__Engine"] = "postgres",
            ["SC__Persistence__ConnectionString"] = _connectionString,
            ["SC__Secrets__Key"] = _secretsKey,
            ["SC__Edge__AdminKey"] = AdminKey,
            ["SC__WhatsApp__ServerUrl"] = Simulator.WebSocketUrl,
            ["SC__WhatsApp__RootPublicKey"] = Convert.ToHexString(Simulator.RootPublicKey.Span),
            ["SC__WhatsApp__TrustedCertificateFile"] = _certificateFile,
            ["SC__Cluster__AppVersion"] = appVersion,
        };
        for (var i = 0; i < _seedPorts.Length; i++)
        {
            environment[$"SC__Cluster__SeedNodes__{i}"] = AddressOf(_seedPorts[i]);
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        for (var i = 0; i < (roles ?? []).Length; i++)
        {
            environment[$"SC__Cluster__Roles__{i}"] = roles![i];
        }

        // A free port found earlier can be taken meanwhile (an outgoing connection's ephemeral port): try again then,
        // with another port for a non-seed node, the same one a moment later for a seed the others are told of.
        for (var attempt = 1; ; attempt++)
        {
            var process = NodeProcess.Start(data, environment, remotingPort);
            var node = new ClusterNode(index, remotingPort, data, process, AdminKey);
            try
            {
                await node.ConnectAsync();
                _nodes.Add(node);
                return node;
            }
            catch (TimeoutException) when (attempt < 4 && process.HasExited && process.Output.Contains("Address already in use", StringComparison.Ordinal))
            {
                await node.DisposeAsync();
                await Task.Delay(TimeSpan.FromSeconds(1));
                remotingPort = port is null && index >= _seedPorts.Length ? FreePort() : remotingPort;
            }
        }
    }

    /// <summary>Starts <paramref name="count"/> nodes (all roles) and waits until every one is ready.</summary>
    public async Task<List<ClusterNode>> StartNodesAsync(int count, string appVersion = "1.0.0")
    {
        var nodes = new List<ClusterNode>();
        for (var i = 0; i < count; i++)
        {
            nodes.Add(await StartNodeAsync(appVersion));
        }

        foreach (var node in nodes)
        {
            await node.WaitReadyAsync();
        }

        return nodes;
    }

    /// <summary>
    /// Links <paramref name="count"/> sessions through <paramref name="via"/>: <c>{prefix}-{i}</c> on the accounts
    /// <c>{phonePrefix}{i:D4}</c> (a prefix of 7 digits gives 11-digit numbers).
    /// </summary>
    public async Task<List<(string Session, string Phone)>> LinkSessionsAsync(ClusterNode via, string prefix, string phonePrefix, int count)
    {
        var sessions = Enumerable.Range(0, count)
            .Select(i => (Session: $"{prefix}-{i}", Phone: string.Create(CultureInfo.InvariantCulture, $"{phonePrefix}{i:D4}")))
            .ToList();
        foreach (var (session, phone) in sessions)
        {
            await LinkSessionAsync(via, session, phone);
        }

        return sessions;
    }

    /// <summary>Creates a simulator account (a phone that only sends).</summary>
    public async Task CreateAccountAsync(string phone)
    {
        using var http = new HttpClient();
        using var account = await http.PostAsJsonAsync($"{Simulator.AdminUrl}/accounts", new { phone });
        Assert.Equal(HttpStatusCode.Created, account.StatusCode);
    }

    /// <summary>Creates a simulator account and a session for it through <paramref name="via"/>, and links it by QR.</summary>
    public async Task LinkSessionAsync(ClusterNode via, string sessionId, string phone)
    {
        await CreateAccountAsync(phone);
        using (var created = await via.Http.PostAsJsonAsync("/v1/sessions", new { id = sessionId }))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"create {sessionId}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        var qr = await Eventually(async () =>
        {
            using var response = await via.Http.GetAsync($"/v1/sessions/{sessionId}/qr");
            return response.StatusCode == HttpStatusCode.OK ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("qr").GetString() : null;
        }, $"a QR for {sessionId}");
        using var link = await new HttpClient { Timeout = Deadline }.PostAsJsonAsync($"{Simulator.AdminUrl}/accounts/{phone}/link", new { qr });
        Assert.True(link.StatusCode == HttpStatusCode.OK, $"the scan answered {(int)link.StatusCode}: {await link.Content.ReadAsStringAsync()}");
        await Eventually(async () => await via.StatusAsync(sessionId) == "connected" ? "" : null, $"{sessionId} connected");
    }

    /// <summary>The simulator's phone <paramref name="from"/> sends a text to <paramref name="to"/>; returns the message id.</summary>
    public async Task<string> PhoneSendsAsync(string from, string to, string text)
    {
        using var http = new HttpClient { Timeout = Deadline };
        using var response = await http.PostAsJsonAsync($"{Simulator.AdminUrl}/accounts/{from}/messages", new { to = to + "@s.whatsapp.net", text });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"send from {from}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The simulator's counters (<c>GET /admin/stats</c>).</summary>
    public async Task<JsonElement> SimulatorStatsAsync()
    {
        using var http = new HttpClient();
        return await http.GetFromJsonAsync<JsonElement>($"{Simulator.AdminUrl}/stats");
    }

    /// <summary>Polls <paramref name="probe"/> until it answers non-null; fails after <see cref="Deadline"/>.</summary>
    public static async Task<T> Eventually<T>(Func<Task<T?>> probe, string what, TimeSpan? within = null)
        where T : class
    {
        var until = DateTime.UtcNow + (within ?? Deadline);
        Exception? last = null;
        while (DateTime.UtcNow < until)
        {
            try
            {
                if (await probe() is { } value)
                {
                    return value;
                }
            }
            catch (HttpRequestException e)
            {
                last = e;
            }
            catch (TaskCanceledException e)
            {
                last = e;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Waited {within ?? Deadline} for {what}." + (last is null ? "" : $" Last error: {last.Message}"));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await Simulator.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A node killed mid-write may leave a file the OS releases a moment later; the temp folder goes with the machine.
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One node process of a <see cref="ClusterRig"/>, with an admin-key HTTP client to its API.</summary>
internal sealed class ClusterNode(int index, int remotingPort, string dataFolder, NodeProcess process, string adminKey) : IAsyncDisposable
{
    public int Index { get; } = index;

    public int RemotingPort { get; } = remotingPort;

    public string DataFolder { get; } = dataFolder;

    public NodeProcess Process { get; } = process;

    public string Address => ClusterRig.AddressOf(RemotingPort);

    public HttpClient Http { get; private set; } = new();

    public async Task ConnectAsync()
    {
        Http = new HttpClient { BaseAddress = await Process.HttpAddressAsync(), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    /// <summary>Waits until the node is ready (a cluster member that is up, its journal answering).</summary>
    public async Task WaitReadyAsync() =>
        await ClusterRig.Eventually(async () =>
        {
            using var response = await Http.GetAsync("/health/ready");
            return response.StatusCode == HttpStatusCode.OK ? "" : null;
        }, $"node {Index} ready. Output:\n{Tail()}");

    /// <summary>The session's status through this node's API (routed to whichever node hosts it).</summary>
    public async Task<string?> StatusAsync(string sessionId)
    {
        using var response = await Http.GetAsync($"/v1/sessions/{sessionId}");
        return response.StatusCode == HttpStatusCode.OK ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString() : null;
    }

    /// <summary>Every event of a session through <c>/events</c>, page by page.</summary>
    public async Task<List<JsonElement>> EventsAsync(string sessionId)
    {
        var all = new List<JsonElement>();
        var after = 0L;
        while (true)
        {
            using var page = JsonDocument.Parse(await Http.GetStringAsync($"/v1/sessions/{sessionId}/events?after={after}&limit=1000"));
            var events = page.RootElement.GetProperty("events").EnumerateArray().Select(e => e.Clone()).ToList();
            if (events.Count == 0)
            {
                return all;
            }

            all.AddRange(events);
            after = page.RootElement.GetProperty("next").GetInt64();
        }
    }

    /// <summary>The last lines of the node's output, for a failure message.</summary>
    public string Tail(int lines = 60) => string.Join('\n', Process.Output.Split('\n').TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Process.DisposeAsync();
    }
}
