namespace SessionCluster.Persistence.Store;

/// <summary>Which snapshots a load or delete selects: all bounds inclusive, timestamps in UTC ticks.</summary>
internal sealed record SnapshotCriteria(long MaxSequenceNr, long MaxTimestampTicks, long MinSequenceNr, long MinTimestampTicks);
