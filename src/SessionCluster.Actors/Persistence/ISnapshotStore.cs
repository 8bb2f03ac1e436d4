namespace SessionCluster.Actors.Persistence;

/// <summary>Snapshots of persistent actors' states, so recovery replays only the events after the latest one.</summary>
public interface ISnapshotStore : IAsyncDisposable
{
    /// <summary>Stores the snapshot durably; a second one at the same sequence number replaces the first.</summary>
    ValueTask SaveAsync(SnapshotEntry snapshot, CancellationToken cancellationToken = default);

    /// <summary>The snapshot with the highest sequence number ≤ <paramref name="maxSequenceNr"/>, or null.</summary>
    ValueTask<SnapshotEntry?> LoadLatestAsync(string persistenceId, long maxSequenceNr = long.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>Deletes the snapshots with sequence numbers ≤ <paramref name="maxSequenceNr"/>.</summary>
    ValueTask DeleteUpToAsync(string persistenceId, long maxSequenceNr, CancellationToken cancellationToken = default);
}
