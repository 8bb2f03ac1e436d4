using SessionCluster.Actors.Persistence;

namespace SessionCluster.Storage.Tests.Contracts;

/// <summary>What every <see cref="ISnapshotStore"/> must do; each provider's test class subclasses this.</summary>
public abstract class SnapshotStoreContractTests : IAsyncLifetime
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    protected ISnapshotStore Store { get; private set; } = null!;

    protected abstract Task<ISnapshotStore> CreateStoreAsync();

    /// <summary>Flips a stored byte of the snapshot's payload, underneath the store.</summary>
    protected abstract Task CorruptPayloadAsync(string persistenceId, long sequenceNr);

    public virtual async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual async Task DisposeAsync() => await Store.DisposeAsync();

    protected string Id(string name) => $"{name}-{_run}";

    private static SnapshotEntry Snapshot(string pid, long seq, string state) =>
        new(pid, seq, "test.State", System.Text.Encoding.UTF8.GetBytes(state), new DateTimeOffset(2026, 11, 22, 5, 0, 0, TimeSpan.Zero));

    private static string StateOf(SnapshotEntry? entry) => System.Text.Encoding.UTF8.GetString(Assert.IsType<SnapshotEntry>(entry).Payload.Span);

    [Fact]
    public async Task Load_latest_returns_the_newest_snapshot_or_null()
    {
        var pid = Id("latest");
        Assert.Null(await Store.LoadLatestAsync(pid));
        await Store.SaveAsync(Snapshot(pid, 10, "ten"));
        await Store.SaveAsync(Snapshot(pid, 30, "thirty"));
        await Store.SaveAsync(Snapshot(pid, 20, "twenty"));

        var latest = await Store.LoadLatestAsync(pid);
        Assert.Equal("thirty", StateOf(latest));
        Assert.Equal(30, latest!.SequenceNr);
        Assert.Equal(pid, latest.PersistenceId);
        Assert.Equal("test.State", latest.Manifest);
        Assert.InRange((latest.Timestamp - new DateTimeOffset(2026, 11, 22, 5, 0, 0, TimeSpan.Zero)).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        Assert.Null(await Store.LoadLatestAsync(Id("other")));
    }

    [Fact]
    public async Task Load_latest_honours_the_maximum_sequence_nr()
    {
        var pid = Id("bound");
        await Store.SaveAsync(Snapshot(pid, 10, "ten"));
        await Store.SaveAsync(Snapshot(pid, 20, "twenty"));
        Assert.Equal("twenty", StateOf(await Store.LoadLatestAsync(pid, 20)));
        Assert.Equal("ten", StateOf(await Store.LoadLatestAsync(pid, 19)));
        Assert.Null(await Store.LoadLatestAsync(pid, 9));
    }

    [Fact]
    public async Task Saving_at_the_same_sequence_nr_replaces_the_snapshot()
    {
        var pid = Id("replace");
        await Store.SaveAsync(Snapshot(pid, 5, "first"));
        await Store.SaveAsync(Snapshot(pid, 5, "second"));
        Assert.Equal("second", StateOf(await Store.LoadLatestAsync(pid)));
    }

    [Fact]
    public async Task Delete_up_to_removes_only_snapshots_at_or_below_the_bound()
    {
        var pid = Id("delete");
        var other = Id("delete-other");
        await Store.SaveAsync(Snapshot(pid, 10, "ten"));
        await Store.SaveAsync(Snapshot(pid, 20, "twenty"));
        await Store.SaveAsync(Snapshot(pid, 30, "thirty"));
        await Store.SaveAsync(Snapshot(other, 10, "other"));

        await Store.DeleteUpToAsync(pid, 20);
        Assert.Null(await Store.LoadLatestAsync(pid, 29));
        Assert.Equal("thirty", StateOf(await Store.LoadLatestAsync(pid)));
        Assert.Equal("other", StateOf(await Store.LoadLatestAsync(other)));

        await Store.DeleteUpToAsync(pid, long.MaxValue);
        Assert.Null(await Store.LoadLatestAsync(pid));
    }

    [Fact]
    public async Task Corrupted_snapshot_fails_to_load_naming_the_persistence_id_and_sequence_nr()
    {
        var pid = Id("corrupt");
        await Store.SaveAsync(Snapshot(pid, 7, "state"));
        await CorruptPayloadAsync(pid, 7);
        var corrupted = await Assert.ThrowsAsync<JournalCorruptionException>(async () => await Store.LoadLatestAsync(pid));
        Assert.Equal(pid, corrupted.PersistenceId);
        Assert.Equal(7, corrupted.SequenceNr);
    }
}
