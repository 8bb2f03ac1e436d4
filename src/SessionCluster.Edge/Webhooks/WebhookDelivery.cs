using Microsoft.Extensions.Logging;
using SessionCluster.Edge.Events;

namespace SessionCluster.Edge.Webhooks;

/// <summary>How one event's delivery ended: acknowledged, or dead-lettered (the letter is stored by then).</summary>
public enum DeliveryOutcome
{
    Acknowledged,
    DeadLettered,
}

/// <summary>
/// Delivers one event to one webhook under its retry policy: posts, and after a failure asks
/// <see cref="RetryPolicy.AfterFailure"/> whether to wait and post again or to dead-letter. Returns only when the
/// receiver acknowledged (2xx) or the dead letter is stored, so a lane that moves its cursor afterwards never skips an
/// event. Used by the lanes and by dead-letter replays.
/// </summary>
public sealed class WebhookDelivery(WebhookSender sender, WebhookStore store, TimeProvider clock, ILogger logger, WebhookMetrics metrics)
{
    /// <param name="key">The signing key, asked at every attempt: a secret rotated while an event is retried signs the next attempt.</param>
    public async Task<DeliveryOutcome> DeliverAsync(
        Webhook webhook, Func<ReadOnlyMemory<byte>> key, string sessionActor, EventView view, byte[] body, CancellationToken cancellationToken)
    {
        var attempts = 0;
        while (true)
        {
            attempts++;
            var attempt = await sender.PostAsync(webhook.Url, body, key(), view.Id, view.Seq, cancellationToken).ConfigureAwait(false);
            if (attempt.Acknowledged)
            {
                return DeliveryOutcome.Acknowledged;
            }

            switch (webhook.Policy.AfterFailure(attempts, attempt.Status, Random.Shared.NextDouble()))
            {
                case RetryDecision.RetryAfter retry:
                    WebhookLog.Retrying(logger, webhook.Id, webhook.Url.Host, sessionActor, view.Seq, attempts, attempt.Describe(), (long)retry.Delay.TotalMilliseconds);
                    await Task.Delay(retry.Delay, clock, cancellationToken).ConfigureAwait(false);
                    break;
                case RetryDecision.DeadLetter dead:
                    await store.DeadLetterAsync(new DeadLetter("dl_" + Guid.CreateVersion7().ToString("N"), webhook.Id, sessionActor, view.Seq, view.Id, view.Type,
                        attempt.Status, attempt.Error, attempts, clock.GetUtcNow(), null), cancellationToken).ConfigureAwait(false);
                    WebhookLog.DeadLettered(logger, webhook.Id, webhook.Url.Host, sessionActor, view.Seq, attempts, dead.Reason, attempt.Describe());
                    metrics.DeadLettered();
                    return DeliveryOutcome.DeadLettered;
            }
        }
    }
}
