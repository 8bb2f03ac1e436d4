using System.Runtime.CompilerServices;
using SessionCluster.Edge.Sessions;

namespace SessionCluster.Edge.Events;

/// <summary>
/// Follows sessions' events with no gap and no duplicate: what is stored after each session's cursor first, from the
/// journal, then live from the <see cref="EventHub"/>. It subscribes before reading the journal, so nothing written in
/// between is missed, and drops live events at or below what it has already given. Cut off for falling behind, it
/// reads the journal again from where it was. Every stream (SSE, WebSocket, gRPC) and worker uses this one loop.
/// </summary>
public sealed class EventFollower(EventHub hub, SessionEventLog journal)
{
    /// <summary>Events read from the journal per page while catching up.</summary>
    private const int PageSize = 500;

    /// <param name="known">The sessions to catch up from the journal (the ones named, or the tenant's at the start).</param>
    /// <param name="belongs">Which sessions' events belong to the stream (its tenant, the sessions named): what it subscribes to.</param>
    /// <param name="wanted">Which of those it gives (its types); the others still advance the cursor.</param>
    /// <param name="after">The last seq already given per session name (of <paramref name="known"/>); absent means 0 (from the start).</param>
    public async IAsyncEnumerable<TenantEvent> FollowAsync(
        IReadOnlyList<SessionEntry> known,
        Func<TenantEvent, bool> belongs,
        Func<TenantEvent, bool> wanted,
        IReadOnlyDictionary<string, long> after,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Kept per actor, not per name: a name deleted and given to a new session while the stream runs is another log.
        var sessions = known.ToDictionary(s => s.ActorId.Value, StringComparer.Ordinal);
        var given = known.Where(s => after.ContainsKey(s.Id)).ToDictionary(s => s.ActorId.Value, s => after[s.Id], StringComparer.Ordinal);
        while (true)
        {
            using var live = hub.Subscribe(belongs);
            foreach (var session in sessions.Values)
            {
                await foreach (var e in CatchUpAsync(session, given, wanted, cancellationToken).ConfigureAwait(false))
                {
                    yield return e;
                }
            }

            var overflowed = false;
            while (!overflowed)
            {
                TenantEvent? next = null;
                try
                {
                    if (!await live.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        // Completed without overflow: the hub is gone (the node is stopping).
                        yield break;
                    }

                    live.Reader.TryRead(out next);
                }
                catch (SubscriberOverflowException)
                {
                    overflowed = true;
                }

                if (next is null)
                {
                    continue;
                }

                sessions.TryAdd(next.Session.ActorId.Value, next.Session);
                var last = given.GetValueOrDefault(next.Session.ActorId.Value);
                if (next.Event.Sequence <= last)
                {
                    continue;
                }

                if (next.Event.Sequence > last + 1)
                {
                    // Events in between were written before this subscription saw them (a session new to the stream,
                    // or written while the journal was read): the journal has them.
                    await foreach (var e in CatchUpAsync(next.Session, given, wanted, cancellationToken).ConfigureAwait(false))
                    {
                        yield return e;
                    }

                    continue;
                }

                given[next.Session.ActorId.Value] = next.Event.Sequence;
                if (wanted(next))
                {
                    yield return next;
                }
            }
        }
    }

    private async IAsyncEnumerable<TenantEvent> CatchUpAsync(
        SessionEntry session, Dictionary<string, long> given, Func<TenantEvent, bool> wanted, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var from = given.GetValueOrDefault(session.ActorId.Value);
            var page = await journal.ReadAsync(session.ActorId, from, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var stored in page)
            {
                given[session.ActorId.Value] = stored.Sequence;
                var e = new TenantEvent(session, stored);
                if (wanted(e))
                {
                    yield return e;
                }
            }

            if (page.Count < PageSize)
            {
                yield break;
            }
        }
    }
}
