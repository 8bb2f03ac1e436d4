using System.Collections.Concurrent;
using SessionCluster.Edge.Tests.Webhooks;
using SessionCluster.Interop.Tests.Simulator;

namespace SessionCluster.Edge.Tests.MediaDownload;

/// <summary>
/// A node with a session linked to <see cref="PhoneA"/>'s simulator phone and a real Baileys companion of
/// <see cref="PhoneB"/> that sends it files (uploaded encrypted to the simulator's media host).
/// </summary>
public sealed class ReceivedFilesNode : IAsyncLifetime
{
    public const string PhoneA = "15550701001";
    public const string PhoneB = "15550701002";
    public const string Session = "files";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "edge-received-files-" + Guid.NewGuid().ToString("N"));

    public EdgeNode Node { get; } = new();

    public BaileysClient Bob { get; private set; } = null!;

    /// <summary>Baileys' stderr, taken by each test for its output.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    public async Task InitializeAsync()
    {
        await Node.InitializeAsync();
        await WebhookTestKit.LinkAsync(Node.Http, Node.Simulator, Session, PhoneA);
        using var admin = new HttpClient { Timeout = Timeout };
        await SimulatorInteropSupport.CreateAccountAsync(admin, Node.Simulator, PhoneB);
        var options = new BaileysClientOptions { LogLevel = "warn", StderrLine = line => Lines.Enqueue("baileys: " + line), WaitTimeout = Timeout };
        (Bob, _) = await SimulatorInteropSupport.LinkWithHistorySyncAsync(admin, Node.Simulator, PhoneB, Path.Combine(_folder, "b"), options);
    }

    public async Task DisposeAsync()
    {
        await Bob.DisposeAsync();
        await Node.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
