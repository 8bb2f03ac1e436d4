using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Snapshot;
using SessionCluster.Persistence.Journal;
using SessionCluster.Persistence.Store;

namespace SessionCluster.Persistence.Snapshots;

/// <summary>
/// Akka's snapshot store on the same database as the journal (SQLite or PostgreSQL, by the section's <c>engine</c>;
/// see persistence.conf): one row per persistence id and sequence number, checksummed, timestamps kept to the tick.
/// </summary>
public sealed class SessionClusterSnapshotStore : SnapshotStore
{
    private readonly EventStores.Database _database;
    private readonly PayloadCodec _codec;

    public SessionClusterSnapshotStore(Config config)
    {
        _database = EventStores.Get(Context.System).For(config);
        _codec = new PayloadCodec((ExtendedActorSystem)Context.System);
    }

    protected override async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        var rows = await _database.SnapshotsAsync(cancellationToken).ConfigureAwait(false);
        if (await rows.LoadAsync(persistenceId, ToCriteria(criteria), cancellationToken).ConfigureAwait(false) is not { } entry)
        {
            return null;
        }

        var snapshot = _codec.Deserialize(persistenceId, entry.SequenceNr, entry.SerializerId, entry.Manifest, entry.Payload);
        return new SelectedSnapshot(new SnapshotMetadata(persistenceId, entry.SequenceNr, entry.Timestamp.UtcDateTime), snapshot);
    }

    protected override async Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        var (serializerId, manifest, bytes) = _codec.Serialize(snapshot);
        var rows = await _database.SnapshotsAsync(cancellationToken).ConfigureAwait(false);
        var timestamp = new DateTimeOffset(DateTime.SpecifyKind(metadata.Timestamp, DateTimeKind.Utc));
        await rows.SaveAsync(new Store.SnapshotEntry(metadata.PersistenceId, metadata.SequenceNr, serializerId, manifest, bytes, timestamp), cancellationToken)
            .ConfigureAwait(false);
    }

    protected override async Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken)
    {
        var rows = await _database.SnapshotsAsync(cancellationToken).ConfigureAwait(false);
        // Akka's metadata carries DateTime.MinValue when the caller names no time: then the sequence number alone decides.
        var maxTimestamp = metadata.Timestamp == DateTime.MinValue ? long.MaxValue : metadata.Timestamp.Ticks;
        await rows.DeleteAsync(metadata.PersistenceId, metadata.SequenceNr, maxTimestamp, cancellationToken).ConfigureAwait(false);
    }

    protected override async Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        var rows = await _database.SnapshotsAsync(cancellationToken).ConfigureAwait(false);
        await rows.DeleteAsync(persistenceId, ToCriteria(criteria), cancellationToken).ConfigureAwait(false);
    }

    public override async Task<PersistenceHealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken) =>
        await StoreHealth.CheckAsync(async token => await _database.SnapshotsAsync(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    private static SnapshotCriteria ToCriteria(SnapshotSelectionCriteria criteria) => new(
        criteria.MaxSequenceNr,
        criteria.MaxTimeStamp == DateTime.MaxValue ? long.MaxValue : criteria.MaxTimeStamp.Ticks,
        criteria.MinSequenceNr,
        criteria.MinTimestamp?.Ticks ?? 0);
}
