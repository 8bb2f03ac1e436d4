using SessionCluster.Actors.Persistence;
using Xunit.Abstractions;

namespace SessionCluster.Storage.Tests.Contracts;

/// <summary>
/// What a journal that outlives its process must add to <see cref="JournalContractTests"/>: reading back after
/// a reopen, and schema migrations that run once however often, and however concurrently, they are started.
/// </summary>
public abstract class DurableJournalContractTests(ITestOutputHelper output) : JournalContractTests(output)
{
    /// <summary>A new, empty store (file or database) no other test uses.</summary>
    protected abstract Task<string> CreateEmptyStoreAsync();

    /// <summary>Opens (and migrates) the journal of <paramref name="store"/>.</summary>
    protected abstract Task<IJournal> OpenJournalAsync(string store);

    /// <summary>The rows of <c>schema_migrations</c>, by version.</summary>
    protected abstract Task<IReadOnlyList<(int Version, string Name)>> ReadMigrationsAsync(string store);

    /// <summary>The migrations this build embeds for the engine, as the version table should list them.</summary>
    protected abstract IReadOnlyList<(int Version, string Name)> ExpectedMigrations { get; }

    [Fact]
    public async Task Reopened_journal_reads_back_events_claims_and_deletions()
    {
        var store = await CreateEmptyStoreAsync();
        var pid = Id("reopen");
        await using (var journal = await OpenJournalAsync(store))
        {
            await journal.ClaimAsync(pid, "w1");
            await journal.AppendAsync(TestEvents.Write(pid, "w1", 1, 10));
            await journal.DeleteUpToAsync(pid, 2);
            await journal.ClaimAsync(pid, "w2");
        }

        await using (var journal = await OpenJournalAsync(store))
        {
            TestEvents.AssertSequence(await journal.ReplayAllAsync(pid), pid, 3, 10, "w1");
            Assert.Equal(10, await journal.ReadHighestSequenceNrAsync(pid));
            var rejected = await Assert.ThrowsAsync<JournalWriteRejectedException>(async () => await journal.AppendAsync(TestEvents.Write(pid, "w1", 11)));
            Assert.Equal(WriteRejection.FencedOut, rejected.Reason);
            await journal.AppendAsync(TestEvents.Write(pid, "w2", 11));
            Assert.Equal(11, await journal.ReadHighestSequenceNrAsync(pid));
        }
    }

    [Fact]
    public async Task Migrations_run_twice_are_a_no_op_and_the_version_table_lists_each_once()
    {
        var store = await CreateEmptyStoreAsync();
        var pid = Id("migrate");
        await using (var journal = await OpenJournalAsync(store))
        {
            await journal.ClaimAsync(pid, "w1");
            await journal.AppendAsync(TestEvents.Write(pid, "w1", 1, 3));
        }

        Assert.Equal(ExpectedMigrations, await ReadMigrationsAsync(store));
        await using (var journal = await OpenJournalAsync(store))
        {
            TestEvents.AssertSequence(await journal.ReplayAllAsync(pid), pid, 1, 3);
        }

        Assert.Equal(ExpectedMigrations, await ReadMigrationsAsync(store));
    }

    [Fact]
    public async Task Journals_opened_at_once_on_an_empty_store_apply_each_migration_once()
    {
        var store = await CreateEmptyStoreAsync();
        var journals = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => OpenJournalAsync(store))));
        try
        {
            Assert.Equal(ExpectedMigrations, await ReadMigrationsAsync(store));
            var pid = Id("together");
            await journals[0].ClaimAsync(pid, "w1");
            await journals[0].AppendAsync(TestEvents.Write(pid, "w1", 1));
            TestEvents.AssertSequence(await journals[3].ReplayAllAsync(pid), pid, 1, 1);
        }
        finally
        {
            foreach (var journal in journals)
            {
                await journal.DisposeAsync();
            }
        }
    }
}
