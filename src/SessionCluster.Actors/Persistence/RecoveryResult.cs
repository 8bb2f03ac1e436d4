namespace SessionCluster.Actors.Persistence;

/// <summary>What a persistent actor's recovery read: the snapshot it started from (0: none) and the events replayed after it.</summary>
public sealed record RecoveryResult(long SnapshotSequenceNr, long ReplayedEvents, long HighestSequenceNr, TimeSpan Duration);
