namespace SessionCluster.Persistence.Store;

/// <summary>
/// Snapshots below Akka: at most one per persistence id and sequence number (a second save replaces the first).
/// Implemented beside each <see cref="IEventStore"/> on the same database; the Akka snapshot-store plugin
/// (<see cref="Snapshots.EventStoreSnapshotStore"/>) sits on top.
/// </summary>
internal interface ISnapshotRows
{
    Task SaveAsync(SnapshotEntry snapshot, CancellationToken cancellationToken = default);

    /// <summary>The snapshot with the highest sequence number that <paramref name="criteria"/> selects, or null.</summary>
    Task<SnapshotEntry?> LoadAsync(string persistenceId, SnapshotCriteria criteria, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the one snapshot at <paramref name="sequenceNr"/> if it was taken at or before
    /// <paramref name="maxTimestampTicks"/> (Akka's metadata timestamp; <see cref="long.MaxValue"/> when Akka gave none).
    /// </summary>
    Task DeleteAsync(string persistenceId, long sequenceNr, long maxTimestampTicks, CancellationToken cancellationToken = default);

    /// <summary>Deletes every snapshot <paramref name="criteria"/> selects.</summary>
    Task DeleteAsync(string persistenceId, SnapshotCriteria criteria, CancellationToken cancellationToken = default);
}
