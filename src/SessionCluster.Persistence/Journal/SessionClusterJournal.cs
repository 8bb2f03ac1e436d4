using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using SessionCluster.Persistence.Store;
using AkkaAtomicWrite = Akka.Persistence.AtomicWrite;
using AkkaPersistent = Akka.Persistence.IPersistentRepresentation;

namespace SessionCluster.Persistence.Journal;

/// <summary>
/// Akka's journal on our event stores (SQLite or PostgreSQL, by the section's <c>engine</c>; see persistence.conf).
/// </summary>
/// <remarks>
/// <para><b>Group commit.</b> Akka hands a journal one <c>WriteMessages</c> per persistent actor at a time and does
/// not wait for it before taking the next actor's; each write goes to the store's writer loop, which commits the
/// writes of all actors that are waiting in one transaction (SQLite) or one statement (PostgreSQL).</para>
/// <para><b>Rejected versus failed.</b> An event that cannot be serialized (or carries an unusable tag) rejects its
/// <c>AtomicWrite</c> alone, before anything is stored: the actor hears <c>OnPersistRejected</c> and goes on. A write
/// the store refuses or cannot make fails the actor's whole call: <c>OnPersistFailure</c>, and the actor stops.</para>
/// <para><b>Fencing.</b> The writer token is Akka's per-incarnation writer guid. This journal remembers which writer
/// it last wrote each persistence id for; a write by any other writer claims the id in the same transaction as the
/// write (<see cref="Store.AtomicWrite.Claim"/>), which the store refuses when that writer held the claim once and
/// lost it. So a second incarnation (another node, another ActorSystem) fences out the first at its first write, and
/// the first one's next write fails and stops it, leaving the journal as it was.</para>
/// </remarks>
public sealed class SessionClusterJournal : AsyncWriteJournal
{
    /// <summary>The persistence id the health check reads (never written).</summary>
    private const string HealthProbeId = "sessioncluster-health-probe";

    private readonly EventStores.Database _database;
    private readonly PayloadCodec _codec;
    private readonly ConcurrentDictionary<string, string> _writers = new(StringComparer.Ordinal);

    public SessionClusterJournal(Config config)
    {
        _database = EventStores.Get(Context.System).For(config);
        _codec = new PayloadCodec((ExtendedActorSystem)Context.System);
    }

    protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AkkaAtomicWrite> messages, CancellationToken cancellationToken)
    {
        var store = await _database.EventsAsync(cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var results = ImmutableList.CreateBuilder<Exception?>();
        var appends = new List<Task>();
        var claimed = new List<(string PersistenceId, string WriterId)>();
        foreach (var message in messages)
        {
            Store.AtomicWrite write;
            try
            {
                write = ToStoreWrite(message, now);
            }
            catch (Exception rejected)
            {
                results.Add(rejected);
                continue;
            }

            results.Add(null);
            appends.Add(store.AppendAsync(write, cancellationToken));
            if (write.Claim)
            {
                claimed.Add((write.PersistenceId, write.WriterId));
            }
        }

        // Any refusal or storage error fails the whole call: Akka then fails every write of it and stops the actor.
        await Task.WhenAll(appends).ConfigureAwait(false);
        foreach (var (persistenceId, writerId) in claimed)
        {
            _writers[persistenceId] = writerId;
        }

        return results.ToImmutable();
    }

    public override async Task ReplayMessagesAsync(
        IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<AkkaPersistent> recoveryCallback)
    {
        var store = await _database.EventsAsync().ConfigureAwait(false);
        await foreach (var row in store.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max).ConfigureAwait(false))
        {
            recoveryCallback(_codec.ToPersistent(row));
        }
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        var store = await _database.EventsAsync(cancellationToken).ConfigureAwait(false);
        return await store.ReadHighestSequenceNrAsync(persistenceId, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
    {
        var store = await _database.EventsAsync(cancellationToken).ConfigureAwait(false);
        await store.DeleteUpToAsync(persistenceId, toSequenceNr, cancellationToken).ConfigureAwait(false);
    }

    public override Task<PersistenceHealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken) =>
        StoreHealth.CheckAsync(async token =>
        {
            var store = await _database.EventsAsync(token).ConfigureAwait(false);
            await store.ReadHighestSequenceNrAsync(HealthProbeId, token).ConfigureAwait(false);
        }, cancellationToken);

    private Store.AtomicWrite ToStoreWrite(AkkaAtomicWrite message, DateTimeOffset now)
    {
        var persistents = (IImmutableList<AkkaPersistent>)message.Payload;
        var rows = new JournalEvent[persistents.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = _codec.ToRow(persistents[i], now);
        }

        var writerId = persistents[0].WriterGuid;
        var claim = !_writers.TryGetValue(message.PersistenceId, out var known) || known != writerId;
        return new Store.AtomicWrite(message.PersistenceId, writerId, rows, claim);
    }
}
