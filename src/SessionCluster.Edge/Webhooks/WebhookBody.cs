using System.Text.Json;
using SessionCluster.Edge.Events;

namespace SessionCluster.Edge.Webhooks;

/// <summary>What a webhook posts for an event: the <see cref="EventView"/> as <c>GET …/events</c> shows it, or its Cloud envelope.</summary>
public static class WebhookBody
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The UTF-8 JSON body, or null when the webhook does not take this event (filtered out, older than the webhook, no Cloud shape).</summary>
    /// <param name="displayPhoneNumber">Asked only for cloud webhooks and events they carry: the session's own number.</param>
    public static async Task<byte[]?> ForAsync(Webhook webhook, EventView view, Func<CancellationToken, Task<string?>> displayPhoneNumber, CancellationToken cancellationToken)
    {
        if (view.At < webhook.CreatedAt || !webhook.Wants(view.Type))
        {
            return null;
        }

        return webhook.Format == WebhookFormat.Event
            ? JsonSerializer.SerializeToUtf8Bytes(view, Json)
            : CloudEnvelope.Build(view, await displayPhoneNumber(cancellationToken).ConfigureAwait(false));
    }
}
