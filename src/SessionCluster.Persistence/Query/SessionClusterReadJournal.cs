using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Akka.Streams.Dsl;
using Akka.Util;
using SessionCluster.Persistence.Journal;
using SessionCluster.Persistence.Store;

namespace SessionCluster.Persistence.Query;

/// <summary>
/// Reads a session's events back as streams: <see cref="CurrentEventsByPersistenceId"/> (what is stored now, then
/// complete) and <see cref="EventsByPersistenceId"/> (live: keeps polling for new events every
/// <c>refresh-interval</c>). The edge replays session events from it. Offsets are <see cref="Sequence"/> offsets
/// holding the sequence number.
/// </summary>
public sealed class SessionClusterReadJournal : IReadJournal, ICurrentEventsByPersistenceIdQuery, IEventsByPersistenceIdQuery
{
    /// <summary>The plugin id of the read journal over <c>akka.persistence.journal.sessioncluster-sqlite</c>.</summary>
    public const string SqliteIdentifier = "sessioncluster.persistence.query.sqlite";

    private readonly EventStores.Database _database;
    private readonly PayloadCodec _codec;
    private readonly TimeSpan _refreshInterval;
    private readonly int _pageSize;

    internal SessionClusterReadJournal(EventStores.Database database, PayloadCodec codec, TimeSpan refreshInterval, int pageSize)
    {
        _database = database;
        _codec = codec;
        _refreshInterval = refreshInterval;
        _pageSize = pageSize;
    }

    public Source<EventEnvelope, NotUsed> CurrentEventsByPersistenceId(string persistenceId, long fromSequenceNr, long toSequenceNr) =>
        Events(persistenceId, fromSequenceNr, toSequenceNr, live: false);

    public Source<EventEnvelope, NotUsed> EventsByPersistenceId(string persistenceId, long fromSequenceNr, long toSequenceNr) =>
        Events(persistenceId, fromSequenceNr, toSequenceNr, live: true);

    /// <summary>
    /// Pages of events from <paramref name="fromSequenceNr"/> on. A current query ends at the highest sequence number
    /// stored when it started; a live one waits <see cref="_refreshInterval"/> after an empty page and asks again,
    /// until <paramref name="toSequenceNr"/> has been delivered.
    /// </summary>
    private Source<EventEnvelope, NotUsed> Events(string persistenceId, long fromSequenceNr, long toSequenceNr, bool live)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        var start = new Cursor(Math.Max(1, fromSequenceNr), toSequenceNr, Bound: null);
        return Source.UnfoldAsync<Cursor, IReadOnlyList<EventEnvelope>>(start, async cursor =>
            {
                if (cursor.Next > cursor.To)
                {
                    return Option<(Cursor, IReadOnlyList<EventEnvelope>)>.None;
                }

                var store = await _database.EventsAsync().ConfigureAwait(false);
                var to = cursor.To;
                if (!live)
                {
                    var bound = cursor.Bound ?? await store.ReadHighestSequenceNrAsync(persistenceId).ConfigureAwait(false);
                    cursor = cursor with { Bound = bound };
                    to = Math.Min(to, bound);
                    if (cursor.Next > to)
                    {
                        return Option<(Cursor, IReadOnlyList<EventEnvelope>)>.None;
                    }
                }

                var page = new List<EventEnvelope>();
                await foreach (var row in store.ReplayAsync(persistenceId, cursor.Next, to, _pageSize).ConfigureAwait(false))
                {
                    page.Add(ToEnvelope(row));
                }

                if (page.Count > 0)
                {
                    return (cursor with { Next = page[^1].SequenceNr + 1 }, page);
                }

                if (!live)
                {
                    return Option<(Cursor, IReadOnlyList<EventEnvelope>)>.None;
                }

                await Task.Delay(_refreshInterval).ConfigureAwait(false);
                return (cursor, page);
            })
            .SelectMany(page => page);
    }

    private EventEnvelope ToEnvelope(JournalEvent row) => new(
        new Sequence(row.SequenceNr),
        row.PersistenceId,
        row.SequenceNr,
        _codec.Deserialize(row.PersistenceId, row.SequenceNr, row.SerializerId, row.Manifest, row.Payload),
        row.Timestamp.UtcTicks,
        [.. TagList.Split(row.Tags)]);

    /// <param name="Next">The next sequence number to read.</param>
    /// <param name="To">The last sequence number asked for.</param>
    /// <param name="Bound">For a current query: the highest sequence number when it started.</param>
    private sealed record Cursor(long Next, long To, long? Bound);
}

/// <summary>Built by Akka.Persistence.Query from a <c>sessioncluster.persistence.query.*</c> section.</summary>
public sealed class SessionClusterReadJournalProvider(ExtendedActorSystem system, Config config) : IReadJournalProvider
{
    public IReadJournal GetReadJournal()
    {
        var writePlugin = config.GetString("write-plugin", "");
        if (string.IsNullOrEmpty(writePlugin) || !system.Settings.Config.HasPath(writePlugin))
        {
            throw new ConfigurationException($"The read journal's write-plugin '{writePlugin}' names no journal section.");
        }

        var journalConfig = system.Settings.Config.GetConfig(writePlugin);
        return new SessionClusterReadJournal(
            EventStores.Get(system).For(journalConfig),
            new PayloadCodec(system),
            config.GetTimeSpan("refresh-interval", TimeSpan.FromSeconds(1)),
            config.GetInt("max-buffer-size", 500));
    }
}
