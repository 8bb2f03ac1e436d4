using Akka.Persistence;

namespace SessionCluster.Persistence.Tests.Spec.Snapshots;

// DeleteSnapshot (one snapshot, by its metadata) and DeleteSnapshots (every snapshot within criteria).
public abstract partial class SnapshotStoreSpec
{
    [Fact]
    public virtual async Task Deleting_one_snapshot_by_its_metadata_leaves_the_others()
    {
        var pid = NewPersistenceId("delete-one");
        var saved = await SeedAsync(pid);

        await DeleteAsync(saved[2]);

        AssertFound(await LoadAsync(pid, new SnapshotSelectionCriteria(saved[2].SequenceNr)), saved[1], Text(2));
        AssertFound(await LoadAsync(pid, SnapshotSelectionCriteria.Latest), saved[4], Text(5));
    }

    /// <summary>Metadata built without a timestamp (the old constructor's default) still names the snapshot by sequence number.</summary>
    [Fact]
    public virtual async Task Deleting_one_snapshot_whose_metadata_has_no_timestamp_deletes_it_by_sequence_number()
    {
        var pid = NewPersistenceId("delete-min-time");
        var saved = await SeedAsync(pid);

        await DeleteAsync(new SnapshotMetadata(pid, saved[2].SequenceNr, DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc)));

        AssertFound(await LoadAsync(pid, new SnapshotSelectionCriteria(saved[2].SequenceNr)), saved[1], Text(2));
    }

    [Fact]
    public virtual async Task Deleting_one_snapshot_with_a_timestamp_older_than_the_stored_one_keeps_it()
    {
        var pid = NewPersistenceId("delete-old-time");
        var saved = await SeedAsync(pid);

        await DeleteAsync(new SnapshotMetadata(pid, saved[2].SequenceNr, saved[2].Timestamp.AddSeconds(-2)));

        AssertFound(await LoadAsync(pid, new SnapshotSelectionCriteria(saved[2].SequenceNr)), saved[2], Text(3));
    }

    [Fact]
    public virtual async Task Deleting_by_criteria_removes_every_snapshot_within_both_bounds_and_keeps_the_rest()
    {
        var pid = NewPersistenceId("delete-criteria");
        var saved = await SeedAsync(pid);

        await DeleteAsync(pid, new SnapshotSelectionCriteria(saved[2].SequenceNr, saved[2].Timestamp));

        Assert.Null((await LoadAsync(pid, new SnapshotSelectionCriteria(saved[2].SequenceNr, saved[2].Timestamp))).Snapshot);
        AssertFound(await LoadAsync(pid, new SnapshotSelectionCriteria(saved[3].SequenceNr, saved[3].Timestamp)), saved[3], Text(4));
    }

    [Fact]
    public virtual async Task Deleting_by_criteria_whose_timestamp_is_just_before_a_snapshot_keeps_that_snapshot()
    {
        var pid = NewPersistenceId("delete-criteria-time");
        var saved = await SeedAsync(pid);

        await DeleteAsync(pid, new SnapshotSelectionCriteria(saved[3].SequenceNr, saved[3].Timestamp.AddTicks(-1)));

        AssertFound(await LoadAsync(pid, new SnapshotSelectionCriteria(saved[3].SequenceNr, saved[3].Timestamp)), saved[3], Text(4));
        Assert.Null((await LoadAsync(pid, new SnapshotSelectionCriteria(saved[2].SequenceNr))).Snapshot);
    }

    [Fact]
    public virtual async Task Deleting_the_snapshots_of_one_persistence_id_leaves_the_others()
    {
        var pid = NewPersistenceId("delete-own");
        var neighbour = NewPersistenceId("delete-own-neighbour");
        await SeedAsync(pid);
        var kept = await SeedAsync(neighbour);

        await DeleteAsync(pid, SnapshotSelectionCriteria.Latest);

        Assert.Null((await LoadAsync(pid, SnapshotSelectionCriteria.Latest)).Snapshot);
        AssertFound(await LoadAsync(neighbour, SnapshotSelectionCriteria.Latest), kept[4], Text(5));
    }
}
