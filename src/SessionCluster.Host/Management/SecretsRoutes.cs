using SessionCluster.Edge;
using SessionCluster.Edge.Webhooks;
using SessionCluster.Host.Composition;

namespace SessionCluster.Host.Management;

/// <summary>
/// <c>GET /v1/admin/secrets</c>: the node's secrets key ids (never the keys) and what is still sealed under a previous
/// key, so an operator knows when a previous key can go (docs/CONFIGURATION.md "Rotating the secrets key"). The session
/// figures are this node's, of the sessions started here since the node started; the webhook figure is the edge
/// database's, counted now.
/// </summary>
internal static class SecretsRoutes
{
    public static void Map(RouteGroupBuilder admin, NodeSecrets secrets, EdgeDependencies edge) =>
        admin.MapGet("/secrets", async (CancellationToken ct) =>
        {
            // Null while the edge database is not migrated yet (it is retried in the background): unknown, not zero.
            int? webhooks = edge.Webhooks is { } services && edge.Ready.IsCompletedSuccessfully
                ? await WebhookSecretRotation.CountStaleAsync(services, ct).ConfigureAwait(false)
                : null;
            return Results.Ok(new SecretsView(secrets.Current.KeyIdHex, [.. secrets.Previous.Select(k => k.KeyIdHex)],
                secrets.Stale.Pending, secrets.Stale.Resealed, webhooks));
        });
}

/// <summary>
/// <c>sessionSealsPending</c>: things of this node's sessions (a data key, a proxy, an older session's registration) found
/// under a previous key and not moved yet; <c>sessionSealsMoved</c>: moved since the node started;
/// <c>webhookSecretsUnderPreviousKeys</c>: stored webhook secrets not moved yet (null: the edge database is not ready).
/// </summary>
internal sealed record SecretsView(string CurrentKeyId, IReadOnlyList<string> PreviousKeyIds, int SessionSealsPending, long SessionSealsMoved, int? WebhookSecretsUnderPreviousKeys);
