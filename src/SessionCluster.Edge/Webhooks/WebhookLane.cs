using SessionCluster.Edge.Events;
using SessionCluster.Edge.Sessions;

namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// Delivers one session's events to one webhook, strictly one at a time: it follows the session from the pair's
/// cursor (journal, then live, with no gap: <see cref="EventFollower"/>), and for each event the webhook takes it waits
/// until <see cref="WebhookDelivery"/> returns (acknowledged or dead-lettered) and only then moves the cursor and takes
/// the next. So a later event is never posted before an earlier one is done, and after a crash the lane posts again
/// from the cursor: at most the one event in flight is posted twice, with the same <c>X-Webhook-Id</c>.
/// Events the webhook does not take move the cursor too, written every <see cref="SkipFlush"/> of them (or with the
/// next delivery) so a restart does not rescan a long filtered-out history. The signing key is asked of
/// <see cref="WebhookKeys"/> at every attempt, so a rotated secret needs no new lane.
/// </summary>
internal sealed class WebhookLane(
    Webhook webhook, SessionEntry session, WebhookKeys keys, WebhookStore store, CursorWriter cursors, WebhookDelivery delivery, EventFollower follower,
    Func<SessionEntry, CancellationToken, Task<string?>> ownNumber, TimeProvider clock, WebhookMetrics metrics)
{
    private const int SkipFlush = 100;

    private string? _number;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var actor = session.ActorId.Value;
        var written = await store.CursorAsync(webhook.Id, actor, cancellationToken).ConfigureAwait(false);
        var after = new Dictionary<string, long>(StringComparer.Ordinal) { [session.Id] = written };
        await foreach (var e in follower.FollowAsync([session], t => t.Session.ActorId.Value == actor, _ => true, after, cancellationToken).ConfigureAwait(false))
        {
            var view = EventView.From(session.Id, e.Event);
            var body = await WebhookBody.ForAsync(webhook, view, NumberAsync, cancellationToken).ConfigureAwait(false);
            if (body is null && view.Seq - written < SkipFlush)
            {
                continue;
            }

            if (body is not null)
            {
                using var lag = metrics.Delivering(view.At);
                await delivery.DeliverAsync(webhook, () => keys.For(webhook), actor, view, body, cancellationToken).ConfigureAwait(false);
            }

            await cursors.AdvanceAsync(webhook.Id, actor, view.Seq, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            written = view.Seq;
        }
    }

    private async Task<string?> NumberAsync(CancellationToken cancellationToken) =>
        _number ??= await ownNumber(session, cancellationToken).ConfigureAwait(false);
}
