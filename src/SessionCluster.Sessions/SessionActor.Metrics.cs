namespace SessionCluster.Sessions;

/// <summary>
/// The journal write latency of the session's own log: every <c>Persist</c> and <c>PersistAll</c> of SessionActor's
/// partial files resolves to these (they hide Eventsourced's), so each write is timed from the call to its first
/// durable callback without a change at any call site. Ratchet and key actors write their own logs, not timed here.
/// </summary>
public sealed partial class SessionActor
{
    private new void Persist<TEvent>(TEvent @event, Action<TEvent> handler)
    {
        var started = _dependencies.Clock.GetTimestamp();
        base.Persist(@event, stored =>
        {
            _dependencies.Metrics.JournalWritten(_dependencies.Clock.GetElapsedTime(started));
            handler(stored);
        });
    }

    private new void PersistAll<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler)
    {
        var started = _dependencies.Clock.GetTimestamp();
        var timed = false;
        base.PersistAll(events, stored =>
        {
            if (!timed)
            {
                // One atomic write: its events become durable together, so the first callback times the write.
                timed = true;
                _dependencies.Metrics.JournalWritten(_dependencies.Clock.GetElapsedTime(started));
            }

            handler(stored);
        });
    }
}
