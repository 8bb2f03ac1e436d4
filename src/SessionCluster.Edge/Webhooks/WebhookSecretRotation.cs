using Microsoft.Extensions.Logging;
using SessionCluster.Sessions.State;

namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// Moves the webhook secrets sealed under a previous node key (rotation) to the current one: once per node start, after
/// the edge's migrations, on every node (the delivery worker may run on one only, the secrets are the database's). A
/// conditional update per row, so nodes sweeping the same database at once do no harm. A secret no held key opens stays
/// as it is (and stays counted).
/// </summary>
public static class WebhookSecretRotation
{
    /// <summary>Every stored secret under a previous key sealed again under the current one.</summary>
    public static async Task<(int Moved, int Failed)> ResealAsync(WebhookServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        int moved = 0, failed = 0;
        foreach (var webhook in await services.Store.AllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!services.Secrets.NeedsReseal(webhook.SealedSecret))
            {
                continue;
            }

            string replacement;
            try
            {
                replacement = services.Secrets.Reseal(webhook.Id, webhook.SealedSecret);
            }
            catch (SecretsException)
            {
                failed++;
                continue;
            }

            if (await services.Store.ReplaceSecretAsync(webhook.Id, webhook.SealedSecret, replacement, cancellationToken).ConfigureAwait(false))
            {
                moved++;
            }
        }

        return (moved, failed);
    }

    /// <summary>How many stored webhook secrets are still sealed under a previous node key.</summary>
    public static async Task<int> CountStaleAsync(WebhookServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var webhooks = await services.Store.AllAsync(cancellationToken).ConfigureAwait(false);
        return webhooks.Count(webhook => services.Secrets.NeedsReseal(webhook.SealedSecret));
    }

    /// <summary>The start-up sweep: waits for the edge database, sweeps once, logs what it moved (nothing when nothing was stale).</summary>
    public static async Task ResealAtStartAsync(WebhookServices services, Task databaseReady, ILogger logger, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(databaseReady);
        try
        {
            await databaseReady.WaitAsync(stopping).ConfigureAwait(false);
            var (moved, failed) = await ResealAsync(services, stopping).ConfigureAwait(false);
            if (moved + failed > 0)
            {
                WebhookLog.SecretsResealed(logger, moved, services.Secrets.CurrentKeyId, failed);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The node stops before the sweep ends: the next start sweeps again.
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
        {
            WebhookLog.ResealFailed(logger, e);
        }
    }
}
