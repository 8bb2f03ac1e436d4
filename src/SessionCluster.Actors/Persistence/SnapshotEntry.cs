namespace SessionCluster.Actors.Persistence;

/// <summary>A serialized state of <paramref name="PersistenceId"/> that covers events 1..<paramref name="SequenceNr"/>.</summary>
public sealed record SnapshotEntry(
    string PersistenceId,
    long SequenceNr,
    string Manifest,
    ReadOnlyMemory<byte> Payload,
    DateTimeOffset Timestamp);
