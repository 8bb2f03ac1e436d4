using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using SessionCluster.Persistence;
using SessionCluster.Persistence.Query;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>A session's journal as the edge would read it: the stored events, and polling until they show something.</summary>
internal static class SessionLog
{
    public static Task<IReadOnlyList<object>> StoredAsync(ActorSystem system, SessionId id) => StoredAsync(system, id.PersistenceId);

    /// <summary>Everything stored under <paramref name="persistenceId"/> (a session's, or a child's such as a ratchet's).</summary>
    public static async Task<IReadOnlyList<object>> StoredAsync(ActorSystem system, string persistenceId)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SessionClusterReadJournal>(SessionClusterPersistence.SqliteReadJournalId);
        return await journal.CurrentEventsByPersistenceId(persistenceId, 0, long.MaxValue)
            .Select(e => e.Event)
            .RunWith(Sink.Seq<object>(), system.Materializer())
            .WaitAsync(SessionNodes.Timeout);
    }

    public static async Task<IReadOnlyList<SessionEvent>> EventsAsync(ActorSystem system, SessionId id) =>
        (await StoredAsync(system, id)).OfType<SessionEventRecord>().Select(r => SessionEvent.FromRecord(id, r)).ToList();

    /// <summary>The session's domain events once <paramref name="done"/> holds for them; fails after <see cref="SessionNodes.Timeout"/>.</summary>
    public static async Task<IReadOnlyList<SessionEvent>> WaitForAsync(ActorSystem system, SessionId id, Func<IReadOnlyList<SessionEvent>, bool> done, string what)
    {
        var deadline = DateTimeOffset.UtcNow + SessionNodes.Timeout;
        while (true)
        {
            var events = await EventsAsync(system, id);
            if (done(events))
            {
                return events;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Waited for {what}; the log has: {string.Join(", ", events.Select(e => e.Body))}.");
            }

            await Task.Delay(100);
        }
    }

    public static IReadOnlyList<QrCodeBody> QrCodes(this IEnumerable<SessionEvent> events) => events.Select(e => e.Body).OfType<QrCodeBody>().ToList();

    public static bool Reached(this IEnumerable<SessionEvent> events, SessionStatus status) =>
        events.Any(e => e.Body is SessionStatusChangedBody changed && changed.Status == status);
}
