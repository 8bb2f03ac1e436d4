using System.Collections.Concurrent;
using SessionCluster.Edge.Tests.Webhooks;
using SessionCluster.Interop.Tests.Simulator;

namespace SessionCluster.Edge.Tests.AppState;

/// <summary>
/// A class fixture for app-state sync: a node whose session <see cref="Session"/> is linked to <see cref="Phone"/>'s
/// account, and a real Baileys companion (tests/Interop) linked to the SAME account, so both read and write one set of
/// app-state collections through the simulator (docs/PROTOCOL.md §14).
/// </summary>
public sealed class AppStateNode : IAsyncLifetime
{
    public const string Phone = "15550611001";
    public const string Session = "appstate";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "edge-appstate-" + Guid.NewGuid().ToString("N"));

    public EdgeNode Node { get; } = new();

    /// <summary>The account's other companion.</summary>
    public BaileysClient Baileys { get; private set; } = null!;

    /// <summary>Baileys' stderr, taken by each test for its output.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    public async Task InitializeAsync()
    {
        await Node.InitializeAsync();
        await WebhookTestKit.LinkAsync(Node.Http, Node.Simulator, Session, Phone);
        using var admin = new HttpClient { Timeout = Timeout };
        var options = new BaileysClientOptions { LogLevel = "warn", StderrLine = line => Lines.Enqueue("baileys: " + line), WaitTimeout = Timeout };
        (Baileys, _) = await SimulatorInteropSupport.LinkWithHistorySyncAsync(admin, Node.Simulator, Phone, Path.Combine(_folder, "baileys"), options);
    }

    public async Task DisposeAsync()
    {
        if (Baileys is not null)
        {
            await Baileys.DisposeAsync();
        }

        await Node.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
