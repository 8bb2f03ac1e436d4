using System.Threading.Channels;

namespace SessionCluster.Edge.Webhooks;

/// <summary>What the webhook routes and the delivery worker share, made once by the node (EdgeComposition).</summary>
public sealed class WebhookServices(WebhookOptions options, WebhookStore store, WebhookSecrets secrets, CloudVerification verification)
{
    private readonly Channel<bool> _rescan = Wake();
    private readonly Channel<bool> _replay = Wake();

    public WebhookOptions Options => options;

    public WebhookStore Store => store;

    public WebhookSecrets Secrets => secrets;

    public CloudVerification Verification => verification;

    /// <summary>Where the delivery counts dead letters and shows its lag (docs/METRICS.md); default a meter nobody listens to.</summary>
    public WebhookMetrics Metrics { get; init; } = WebhookMetrics.Unobserved;

    /// <summary>Tells the worker that webhooks, sessions or replay requests changed: it acts now rather than at its next interval.</summary>
    public void Changed()
    {
        _rescan.Writer.TryWrite(true);
        _replay.Writer.TryWrite(true);
    }

    internal Task WaitForRescanAsync(TimeSpan timeout, CancellationToken cancellationToken) => WaitAsync(_rescan, timeout, cancellationToken);

    internal Task WaitForReplayAsync(TimeSpan timeout, CancellationToken cancellationToken) => WaitAsync(_replay, timeout, cancellationToken);

    private static Channel<bool> Wake() => Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Waits for <see cref="Changed"/> or <paramref name="timeout"/>, whichever comes first.</summary>
    private static async Task WaitAsync(Channel<bool> wake, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await wake.Reader.ReadAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The interval passed without a change: look anyway.
        }
    }
}
