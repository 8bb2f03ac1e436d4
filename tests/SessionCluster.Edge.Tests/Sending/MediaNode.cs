using System.Collections.Concurrent;
using SessionCluster.Edge.Tests.Media;
using SessionCluster.Edge.Tests.Webhooks;
using SessionCluster.Interop.Tests.Simulator;

namespace SessionCluster.Edge.Tests.Sending;

/// <summary>
/// A node that may fetch links from loopback (where the tests' <see cref="MediaSource"/> serves files) and takes at
/// most 2 MB per link, the source beside it, a session linked to <see cref="PhoneA"/>'s simulator phone, and a real
/// Baileys companion of <see cref="PhoneB"/> to receive what the session sends.
/// </summary>
public sealed class MediaNode : IAsyncLifetime
{
    public const long MaxLinkBytes = 2_000_000;
    public const string PhoneA = "15550601001";
    public const string PhoneB = "15550601002";
    public const string Session = "media";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "edge-media-" + Guid.NewGuid().ToString("N"));

    public EdgeNode Node { get; } = new() { ExtraArgs = ["--SC:Edge:Media:AllowPrivateNetworks=true", $"--SC:Edge:Media:MaxBytes={MaxLinkBytes}"] };

    internal MediaSource Source { get; private set; } = null!;

    public BaileysClient Bob { get; private set; } = null!;

    /// <summary>Baileys' stderr, taken by each test for its output.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    public async Task InitializeAsync()
    {
        await Node.InitializeAsync();
        Source = await MediaSource.StartAsync();
        await WebhookTestKit.LinkAsync(Node.Http, Node.Simulator, Session, PhoneA);
        using var admin = new HttpClient { Timeout = Timeout };
        await SimulatorInteropSupport.CreateAccountAsync(admin, Node.Simulator, PhoneB);
        var options = new BaileysClientOptions { LogLevel = "warn", StderrLine = line => Lines.Enqueue("baileys: " + line), WaitTimeout = Timeout };
        (Bob, _) = await SimulatorInteropSupport.LinkWithHistorySyncAsync(admin, Node.Simulator, PhoneB, Path.Combine(_folder, "b"), options);
    }

    public async Task DisposeAsync()
    {
        await Bob.DisposeAsync();
        await Source.DisposeAsync();
        await Node.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
