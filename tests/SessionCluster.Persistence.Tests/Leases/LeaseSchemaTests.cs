using SessionCluster.Persistence.Leases;
using SessionCluster.Persistence.Tests.Support;
using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Leases;

[Collection(PostgresCollection.Name)]
public sealed class LeaseSchemaTests(PostgresServer server, ITestOutputHelper output) : SystemsTest(output)
{
    [Fact]
    public async Task Install_and_attach_are_idempotent_and_concurrent_runs_from_many_nodes_do_not_fail()
    {
        var connectionString = await server.CreateDatabaseAsync(nameof(Install_and_attach_are_idempotent_and_concurrent_runs_from_many_nodes_do_not_fail));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => LeaseSchema.InstallAsync(connectionString, CancellationToken.None))));
        await LeaseSchema.InstallAsync(connectionString, CancellationToken.None);

        // Attach waits for the journal's tables, which appear when the journal starts.
        var attaching = Enumerable.Range(0, 8)
            .Select(_ => Task.Run(() => LeaseSchema.AttachFenceAsync(connectionString, Systems.Timeout, CancellationToken.None)))
            .ToArray();
        var node = Systems.Start("node", FencedJournal.Config(connectionString, "aaaa3001"));
        await FencedJournal.StartAndAttachAsync(node, connectionString);
        await Task.WhenAll(attaching);
        await LeaseSchema.AttachFenceAsync(connectionString, Systems.Timeout, CancellationToken.None);

        var db = new LeaseDatabase(connectionString);
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM pg_trigger WHERE tgname = 'sc_fence' AND NOT tgisinternal"));
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE tablename IN ('sc_leases', 'sc_session_fences')"));
    }

    [Fact]
    public async Task Attach_fails_with_a_typed_failure_when_the_journal_tables_never_appear()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(Attach_fails_with_a_typed_failure_when_the_journal_tables_never_appear));
        var failure = await Assert.ThrowsAsync<LeaseFailureException>(() => LeaseSchema.AttachFenceAsync(db.ConnectionString, TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.Equal(LeaseFailure.JournalTablesMissing, failure.Failure);
    }
}
