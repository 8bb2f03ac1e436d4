using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using SessionCluster.Sessions;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Edge.Events;

/// <summary>
/// A session's domain events, read from the read journal (what is stored now; the live stream comes with SSE). The
/// session's log holds its domain events among its other journal events, one journal entry each, so the domain
/// event numbered N is at journal sequence N or later: reading from journal sequence <c>after + 1</c> skips nothing.
/// The ActorSystem is looked up per read because the node maps its routes before it has started.
/// </summary>
public sealed class SessionEventLog(Func<ActorSystem> system, string readJournalId)
{
    private readonly Lazy<ICurrentEventsByPersistenceIdQuery> _journal = new(() =>
        PersistenceQuery.Get(system()).ReadJournalFor<ICurrentEventsByPersistenceIdQuery>(readJournalId));

    /// <summary>Up to <paramref name="limit"/> events with a sequence above <paramref name="after"/>, in order.</summary>
    public async Task<IReadOnlyList<SessionEvent>> ReadAsync(SessionId id, long after, int limit, CancellationToken cancellationToken)
    {
        var records = await _journal.Value.CurrentEventsByPersistenceId(id.PersistenceId, after + 1, long.MaxValue)
            .Select(envelope => envelope.Event)
            .Where(stored => stored is SessionEventRecord record && record.Sequence > after)
            .Take(limit)
            .RunWith(Sink.Seq<object>(), system().Materializer())
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);
        return records.Cast<SessionEventRecord>().Select(record => SessionEvent.FromRecord(id, record)).ToList();
    }
}
