using System.Collections.Concurrent;
using SessionCluster.Edge.Tests.Webhooks;
using SessionCluster.Interop.Tests.Simulator;

namespace SessionCluster.Edge.Tests.Receiving;

/// <summary>
/// A node with a session linked to <see cref="PhoneA"/>'s simulator phone, a real Baileys companion of
/// <see cref="PhoneB"/> that sends to it, and a Cloud-format webhook of the session posting to <see cref="Cloud"/>.
/// </summary>
public sealed class InboundNode : IAsyncLifetime
{
    public const string PhoneA = "15550611001";
    public const string PhoneB = "15550611002";
    public const string Session = "inbox";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "edge-inbound-" + Guid.NewGuid().ToString("N"));

    public EdgeNode Node { get; } = new();

    public BaileysClient Bob { get; private set; } = null!;

    /// <summary>Receives the session's Cloud-format webhook posts.</summary>
    public WebhookReceiver Cloud { get; private set; } = null!;

    /// <summary>Baileys' stderr, taken by each test for its output.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    public async Task InitializeAsync()
    {
        await Node.InitializeAsync();
        await WebhookTestKit.LinkAsync(Node.Http, Node.Simulator, Session, PhoneA);
        Cloud = await WebhookReceiver.StartAsync();
        var hook = await WebhookTestKit.CreateWebhookAsync(Node.Http, $"/v1/sessions/{Session}/webhooks",
            new { url = Cloud.Url(), format = "cloud", verifyToken = Cloud.VerifyToken });
        Cloud.Secret = hook.GetProperty("secret").GetString()!;
        using var admin = new HttpClient { Timeout = Timeout };
        await SimulatorInteropSupport.CreateAccountAsync(admin, Node.Simulator, PhoneB);
        var options = new BaileysClientOptions { LogLevel = "warn", StderrLine = line => Lines.Enqueue("baileys: " + line), WaitTimeout = Timeout };
        (Bob, _) = await SimulatorInteropSupport.LinkWithHistorySyncAsync(admin, Node.Simulator, PhoneB, Path.Combine(_folder, "b"), options);
    }

    public async Task DisposeAsync()
    {
        await Bob.DisposeAsync();
        await Cloud.DisposeAsync();
        await Node.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
