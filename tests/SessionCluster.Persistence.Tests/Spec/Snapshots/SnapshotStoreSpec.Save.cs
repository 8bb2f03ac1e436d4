using Akka.Persistence;

namespace SessionCluster.Persistence.Tests.Spec.Snapshots;

// SaveSnapshot: overwriting, metadata precision, size, the serializer, and surviving a restart.
public abstract partial class SnapshotStoreSpec
{
    [Fact]
    public virtual async Task Saving_at_a_sequence_number_already_used_replaces_that_snapshot()
    {
        var pid = NewPersistenceId("overwrite");
        var saved = await SeedAsync(pid);

        var again = await SaveAsync(new SnapshotMetadata(pid, saved[4].SequenceNr, saved[4].Timestamp.AddMinutes(1)), "snapshot-5-again");
        Assert.Equal(saved[4].SequenceNr, again.SequenceNr);

        AssertFound(await LoadAsync(pid, SnapshotSelectionCriteria.Latest), again, "snapshot-5-again");
        await DeleteAsync(again);
        AssertFound(await LoadAsync(pid, SnapshotSelectionCriteria.Latest), saved[3], Text(4));
    }

    [Fact]
    public virtual async Task Two_saves_at_the_same_sequence_number_both_succeed_and_echo_their_metadata()
    {
        var pid = NewPersistenceId("same-seq");
        var first = new SnapshotMetadata(pid, 3, FirstTimestamp);
        var second = new SnapshotMetadata(pid, 3, FirstTimestamp.AddMilliseconds(1));

        Assert.Equal(Key(first), Key(await SaveAsync(first, "first")));
        Assert.Equal(Key(second), Key(await SaveAsync(second, "second")));

        AssertFound(await LoadAsync(pid, SnapshotSelectionCriteria.Latest), second, "second");
    }

    [Fact]
    public virtual async Task A_loaded_snapshot_keeps_its_timestamp_to_the_tick()
    {
        var pid = NewPersistenceId("ticks");
        var metadata = new SnapshotMetadata(pid, 1, FirstTimestamp.AddTicks(4_567));

        await SaveAsync(metadata, "precise");

        AssertFound(await LoadAsync(pid, SnapshotSelectionCriteria.Latest), metadata, "precise");
    }

    /// <summary>A session's snapshot holds its Signal sessions and keys: hundreds of kilobytes for a busy account.</summary>
    [Fact]
    public virtual async Task A_large_snapshot_is_saved_and_loaded_intact()
    {
        var pid = NewPersistenceId("large");
        var bytes = new byte[512 * 1024];
        new Random(9).NextBytes(bytes);

        await SaveAsync(new SnapshotMetadata(pid, 1, FirstTimestamp), bytes);

        var loaded = (await LoadAsync(pid, SnapshotSelectionCriteria.Latest)).Snapshot;
        Assert.NotNull(loaded);
        Assert.Equal(bytes, Assert.IsType<byte[]>(loaded.Snapshot));
    }

    [Fact]
    public virtual async Task A_snapshot_bound_to_a_string_manifest_serializer_loads_through_that_serializer()
    {
        var pid = NewPersistenceId("serializer");

        await SaveAsync(new SnapshotMetadata(pid, 1, FirstTimestamp), new SpecPayload("state"));

        var loaded = (await LoadAsync(pid, SnapshotSelectionCriteria.Latest)).Snapshot;
        Assert.NotNull(loaded);
        Assert.Equal(SpecPayload.Stored("state"), loaded.Snapshot);
    }

    [Fact]
    public virtual async Task Snapshots_and_deletions_survive_a_restart()
    {
        var pid = NewPersistenceId("restart");
        var saved = await SeedAsync(pid);
        await DeleteAsync(saved[4]);

        await RestartActorSystemAsync();

        AssertFound(await LoadAsync(pid, SnapshotSelectionCriteria.Latest), saved[3], Text(4));
    }
}
