using SessionCluster.Actors.Persistence;
using SessionCluster.Storage.Sqlite;
using SessionCluster.Storage.Tests.Contracts;
using Xunit.Abstractions;

namespace SessionCluster.Storage.Tests.Sqlite;

public sealed class SqliteJournalTests(ITestOutputHelper output) : DurableJournalContractTests(output)
{
    private readonly SqliteFiles _files = new();
    private string _path = "";

    protected override IReadOnlyList<(int Version, string Name)> ExpectedMigrations { get; } = [(1, "journal")];

    protected override async Task<IJournal> CreateJournalAsync()
    {
        _path = _files.NewPath();
        return await SqliteJournal.OpenAsync(new SqliteStorageOptions { Path = _path });
    }

    protected override Task CorruptPayloadAsync(string persistenceId, long sequenceNr)
    {
        SqliteFiles.CorruptPayload(_path, "journal", persistenceId, sequenceNr);
        return Task.CompletedTask;
    }

    protected override Task<string> CreateEmptyStoreAsync() => Task.FromResult(_files.NewPath());

    protected override async Task<IJournal> OpenJournalAsync(string store) => await SqliteJournal.OpenAsync(new SqliteStorageOptions { Path = store });

    protected override Task<IReadOnlyList<(int Version, string Name)>> ReadMigrationsAsync(string store) => Task.FromResult(SqliteFiles.ReadMigrations(store));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _files.Dispose();
    }

    [Fact]
    public async Task Journal_and_snapshot_store_share_one_database_and_writer()
    {
        var path = _files.NewPath();
        await using var database = await SqliteDatabase.OpenAsync(new SqliteStorageOptions { Path = path, MaxBatchSize = 10 });
        Assert.Equal(1, database.SchemaVersion);
        await using var journal = database.CreateJournal();
        await using var snapshots = database.CreateSnapshotStore();
        await journal.ClaimAsync("shared", "w1");
        await Task.WhenAll(
            journal.AppendAsync(TestEvents.Write("shared", "w1", 1, 25)).AsTask(),
            snapshots.SaveAsync(new SnapshotEntry("shared", 1, "s", new byte[] { 1 }, DateTimeOffset.UtcNow)).AsTask());
        TestEvents.AssertSequence(await journal.ReplayAllAsync("shared"), "shared", 1, 25);
        Assert.Equal(1, (await snapshots.LoadLatestAsync("shared"))!.SequenceNr);
    }

    [Fact]
    public async Task Write_after_dispose_is_refused()
    {
        var journal = await SqliteJournal.OpenAsync(new SqliteStorageOptions { Path = _files.NewPath() });
        await journal.ClaimAsync("closed", "w1");
        await journal.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await journal.AppendAsync(TestEvents.Write("closed", "w1", 1)));
    }
}

/// <summary>The contract again with batches of 7 events, so that batch boundaries fall inside every scenario.</summary>
public sealed class SqliteJournalSmallBatchTests(ITestOutputHelper output) : JournalContractTests(output)
{
    private readonly SqliteFiles _files = new();
    private string _path = "";

    protected override async Task<IJournal> CreateJournalAsync()
    {
        _path = _files.NewPath();
        return await SqliteJournal.OpenAsync(new SqliteStorageOptions { Path = _path, MaxBatchSize = 7, ReplayPageSize = 7, MaxReadConnections = 2 });
    }

    protected override Task CorruptPayloadAsync(string persistenceId, long sequenceNr)
    {
        SqliteFiles.CorruptPayload(_path, "journal", persistenceId, sequenceNr);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _files.Dispose();
    }
}

public sealed class SqliteSnapshotStoreTests : SnapshotStoreContractTests
{
    private readonly SqliteFiles _files = new();
    private string _path = "";

    protected override async Task<ISnapshotStore> CreateStoreAsync()
    {
        _path = _files.NewPath();
        return await SqliteSnapshotStore.OpenAsync(new SqliteStorageOptions { Path = _path });
    }

    protected override Task CorruptPayloadAsync(string persistenceId, long sequenceNr)
    {
        SqliteFiles.CorruptPayload(_path, "snapshots", persistenceId, sequenceNr);
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _files.Dispose();
    }
}
