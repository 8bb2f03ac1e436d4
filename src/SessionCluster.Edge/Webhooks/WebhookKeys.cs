using System.Collections.Concurrent;
using SessionCluster.Sessions.State;

namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// The node's opened signing keys, one per webhook, looked up at every delivery attempt. A lane lives as long as its
/// (webhook, session) pair and holds the webhook as it was when it started; the key it signs with is taken from here
/// instead, so a secret rotated (<c>PUT …/secret</c>) is used from the next attempt once a rescan has brought the
/// stored secret (<see cref="Refresh"/>), without stopping the lane or the event it is retrying.
/// </summary>
internal sealed class WebhookKeys(WebhookSecrets secrets)
{
    private readonly ConcurrentDictionary<string, string> _stored = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Sealed, byte[] Key)> _opened = new(StringComparer.Ordinal);

    /// <summary>Takes the sealed secrets a rescan read; a webhook no longer stored is forgotten.</summary>
    public void Refresh(IReadOnlyList<Webhook> webhooks)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var webhook in webhooks)
        {
            ids.Add(webhook.Id);
            _stored[webhook.Id] = webhook.SealedSecret;
        }

        foreach (var id in _stored.Keys.Where(id => !ids.Contains(id)))
        {
            _stored.TryRemove(id, out _);
            _opened.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// The webhook's key as last stored (or as <paramref name="webhook"/> has it, before any rescan saw it), opened once
    /// per sealed value. Throws <see cref="SecretsException"/> when the node's key cannot open it.
    /// </summary>
    public ReadOnlyMemory<byte> For(Webhook webhook)
    {
        var sealedSecret = _stored.TryGetValue(webhook.Id, out var stored) ? stored : webhook.SealedSecret;
        if (_opened.TryGetValue(webhook.Id, out var opened) && opened.Sealed == sealedSecret)
        {
            return opened.Key;
        }

        // Not zeroed when replaced: another lane of the webhook may be signing with it at this moment.
        var key = secrets.Open(webhook.Id, sealedSecret);
        _opened[webhook.Id] = (sealedSecret, key);
        return key;
    }
}
