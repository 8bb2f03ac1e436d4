using System.Collections.Concurrent;
using SessionCluster.Edge.Tests.Webhooks;
using SessionCluster.Interop.Tests.Simulator;

namespace SessionCluster.Edge.Tests;

/// <summary>
/// A class fixture: a node (with <paramref name="extraArgs"/>) whose session <paramref name="session"/> is linked to
/// <paramref name="phoneA"/>'s simulator phone, and a real Baileys companion (tests/Interop) of <paramref name="phoneB"/>
/// on the same simulator, the peer the session sends to and receives from. Each fixture uses its own numbers and node.
/// </summary>
public abstract class BaileysPeerNode(string phoneA, string phoneB, string session, params string[] extraArgs) : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "edge-baileys-" + Guid.NewGuid().ToString("N"));

    public EdgeNode Node { get; } = new() { ExtraArgs = extraArgs };

    public BaileysClient Bob { get; private set; } = null!;

    /// <summary>Baileys' stderr, taken by each test for its output.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    public async Task InitializeAsync()
    {
        await Node.InitializeAsync();
        await WebhookTestKit.LinkAsync(Node.Http, Node.Simulator, session, phoneA);
        await OnLinkedAsync();
        using var admin = new HttpClient { Timeout = Timeout };
        await SimulatorInteropSupport.CreateAccountAsync(admin, Node.Simulator, phoneB);
        var options = new BaileysClientOptions { LogLevel = "warn", StderrLine = line => Lines.Enqueue("baileys: " + line), WaitTimeout = Timeout };
        (Bob, _) = await SimulatorInteropSupport.LinkWithHistorySyncAsync(admin, Node.Simulator, phoneB, Path.Combine(_folder, "b"), options);
    }

    /// <summary>What a fixture adds once the session is linked, before Baileys links (a webhook, a file source).</summary>
    protected virtual Task OnLinkedAsync() => Task.CompletedTask;

    /// <summary>What a fixture disposes before the node.</summary>
    protected virtual ValueTask OnDisposeAsync() => ValueTask.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Bob is not null)
        {
            await Bob.DisposeAsync();
        }

        await OnDisposeAsync();
        await Node.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
