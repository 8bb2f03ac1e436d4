namespace SessionCluster.Persistence.Store;

/// <summary>A serialized state of <paramref name="PersistenceId"/> that covers events 1..<paramref name="SequenceNr"/>.</summary>
internal sealed record SnapshotEntry(
    string PersistenceId,
    long SequenceNr,
    int SerializerId,
    string Manifest,
    ReadOnlyMemory<byte> Payload,
    DateTimeOffset Timestamp);
