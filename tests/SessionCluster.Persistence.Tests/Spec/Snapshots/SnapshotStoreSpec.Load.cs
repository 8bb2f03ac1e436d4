using Akka.Persistence;

namespace SessionCluster.Persistence.Tests.Spec.Snapshots;

// LoadSnapshot: which snapshot the selection criteria and the replay's upper bound pick, or that none matches.
public abstract partial class SnapshotStoreSpec
{
    [Fact]
    public virtual async Task Loading_for_a_persistence_id_without_snapshots_finds_none()
    {
        await SeedAsync(NewPersistenceId("load-neighbour"));

        var result = await LoadAsync(NewPersistenceId("load-nothing"), SnapshotSelectionCriteria.Latest);

        Assert.Null(result.Snapshot);
    }

    [Fact]
    public virtual async Task Loading_the_latest_returns_the_newest_snapshot_with_its_metadata()
    {
        var pid = NewPersistenceId("load-latest");
        var saved = await SeedAsync(pid);

        AssertFound(await LoadAsync(pid, SnapshotSelectionCriteria.Latest), saved[4], Text(5));
    }

    [Fact]
    public virtual async Task Loading_with_a_maximum_sequence_number_returns_the_newest_snapshot_at_or_below_it()
    {
        var pid = NewPersistenceId("load-max-seq");
        var saved = await SeedAsync(pid);

        AssertFound(await LoadAsync(pid, new SnapshotSelectionCriteria(13)), saved[2], Text(3));
        AssertFound(await LoadAsync(pid, SnapshotSelectionCriteria.Latest, toSequenceNr: 13), saved[2], Text(3));
        AssertFound(await LoadAsync(pid, new SnapshotSelectionCriteria(14), toSequenceNr: 12), saved[1], Text(2));
    }

    [Fact]
    public virtual async Task Loading_with_a_maximum_timestamp_returns_the_newest_snapshot_at_or_before_it()
    {
        var pid = NewPersistenceId("load-max-time");
        var saved = await SeedAsync(pid);

        AssertFound(await LoadAsync(pid, new SnapshotSelectionCriteria(long.MaxValue, saved[2].Timestamp)), saved[2], Text(3));
        AssertFound(await LoadAsync(pid, new SnapshotSelectionCriteria(long.MaxValue, saved[2].Timestamp.AddTicks(-1))), saved[1], Text(2));
        AssertFound(await LoadAsync(pid, new SnapshotSelectionCriteria(14, saved[3].Timestamp), toSequenceNr: 13), saved[2], Text(3));
    }

    [Fact]
    public virtual async Task Loading_with_criteria_no_snapshot_meets_finds_none()
    {
        var pid = NewPersistenceId("load-no-match");
        var saved = await SeedAsync(pid);

        Assert.Null((await LoadAsync(pid, new SnapshotSelectionCriteria(7))).Snapshot);
        Assert.Null((await LoadAsync(pid, SnapshotSelectionCriteria.Latest, toSequenceNr: 7)).Snapshot);
        Assert.Null((await LoadAsync(pid, new SnapshotSelectionCriteria(long.MaxValue, saved[0].Timestamp.AddTicks(-1)))).Snapshot);
    }

    [Fact]
    public virtual async Task Loading_with_the_None_criteria_finds_none()
    {
        var pid = NewPersistenceId("load-none");
        await SeedAsync(pid);

        Assert.Null((await LoadAsync(pid, SnapshotSelectionCriteria.None)).Snapshot);
    }
}
