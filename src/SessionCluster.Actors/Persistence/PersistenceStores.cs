namespace SessionCluster.Actors.Persistence;

/// <summary>Where persistent actors keep their events and snapshots; one pair per node, shared by all its actors.</summary>
public sealed record PersistenceStores(IJournal Journal, ISnapshotStore SnapshotStore);
