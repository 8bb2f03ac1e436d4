using Akka.Actor;
using Akka.Persistence;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Snapshots;

/// <summary>
/// What a snapshot store plugin must do for SessionCluster, spoken to the way a persistent actor speaks to it
/// (<see cref="SaveSnapshot"/>, <see cref="LoadSnapshot"/>, <see cref="DeleteSnapshot"/>, <see cref="DeleteSnapshots"/>).
/// A provider subclasses this and supplies <see cref="PluginSpec.CreatePluginConfigAsync"/>.
/// </summary>
/// <remarks>
/// Most tests start from five snapshots of one persistence id at sequence numbers 11..15, one minute apart, with
/// whole-millisecond timestamps (one test checks finer precision on its own).
/// </remarks>
public abstract partial class SnapshotStoreSpec(ITestOutputHelper output) : PluginSpec(output)
{
    private static readonly DateTime FirstTimestamp = new(2026, 11, 22, 5, 0, 0, 123, DateTimeKind.Utc);

    /// <summary>The snapshot store <c>akka.persistence.snapshot-store.plugin</c> names.</summary>
    protected IActorRef SnapshotStore => Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);

    protected static string Text(int index) => $"snapshot-{index}";

    /// <summary>Saves snapshot-1..snapshot-5 at sequence numbers 11..15 and returns their metadata, oldest first.</summary>
    protected async Task<IReadOnlyList<SnapshotMetadata>> SeedAsync(string persistenceId)
    {
        var saved = new List<SnapshotMetadata>();
        for (var i = 1; i <= 5; i++)
        {
            saved.Add(await SaveAsync(new SnapshotMetadata(persistenceId, 10 + i, FirstTimestamp.AddMinutes(i - 1)), Text(i)));
        }

        return saved;
    }

    protected async Task<SnapshotMetadata> SaveAsync(SnapshotMetadata metadata, object snapshot)
    {
        var probe = Kit.CreateTestProbe();
        SnapshotStore.Tell(new SaveSnapshot(metadata, snapshot), probe.Ref);
        return (await probe.ExpectMsgAsync<SaveSnapshotSuccess>()).Metadata;
    }

    protected async Task<LoadSnapshotResult> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, long toSequenceNr = long.MaxValue)
    {
        var probe = Kit.CreateTestProbe();
        SnapshotStore.Tell(new LoadSnapshot(persistenceId, criteria, toSequenceNr), probe.Ref);
        var result = await probe.ExpectMsgAsync<LoadSnapshotResult>();
        Assert.Equal(toSequenceNr, result.ToSequenceNr);
        return result;
    }

    /// <summary>Asserts a load found <paramref name="expected"/> (same id, sequence number and timestamp) holding <paramref name="text"/>.</summary>
    protected static void AssertFound(LoadSnapshotResult result, SnapshotMetadata expected, string text)
    {
        Assert.NotNull(result.Snapshot);
        Assert.Equal(Key(expected), Key(result.Snapshot.Metadata));
        Assert.Equal(text, result.Snapshot.Snapshot);
    }

    protected static (string PersistenceId, long SequenceNr, DateTime Timestamp) Key(SnapshotMetadata metadata) =>
        (metadata.PersistenceId, metadata.SequenceNr, metadata.Timestamp);

    protected async Task DeleteAsync(SnapshotMetadata metadata)
    {
        var probe = Kit.CreateTestProbe();
        SnapshotStore.Tell(new DeleteSnapshot(metadata), probe.Ref);
        Assert.Equal(Key(metadata), Key((await probe.ExpectMsgAsync<DeleteSnapshotSuccess>()).Metadata));
    }

    protected async Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria)
    {
        var probe = Kit.CreateTestProbe();
        SnapshotStore.Tell(new DeleteSnapshots(persistenceId, criteria), probe.Ref);
        Assert.Equal(criteria, (await probe.ExpectMsgAsync<DeleteSnapshotsSuccess>()).Criteria);
    }
}
