using System.Net;
using System.Net.Sockets;
using Npgsql;
using SessionCluster.Persistence.Leases;
using SessionCluster.TestSupport;

namespace SessionCluster.Persistence.Tests.Leases;

[Collection(PostgresCollection.Name)]
public sealed class PostgresLeaseTests(PostgresServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Acquire_is_exclusive_between_two_owners()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(Acquire_is_exclusive_between_two_owners));
        var a = db.Lease("shard-1", "10.0.0.1:4053", "aaaa0001");
        var b = db.Lease("shard-1", "10.0.0.2:4053", "bbbb0001");

        Assert.True(await a.Acquire());
        Assert.False(await b.Acquire());
        Assert.True(a.CheckLease());
        Assert.False(b.CheckLease());
        Assert.Equal("10.0.0.1:4053#aaaa0001", await db.OwnerAsync("shard-1"));
        await a.Release();
    }

    [Fact]
    public async Task The_epoch_grows_by_one_per_new_holder_and_not_on_renewal_or_reacquire()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(The_epoch_grows_by_one_per_new_holder_and_not_on_renewal_or_reacquire));
        var a = db.Lease("shard-2", "10.0.0.1:4053", "aaaa0002");
        var b = db.Lease("shard-2", "10.0.0.2:4053", "bbbb0002");

        Assert.True(await a.Acquire());
        Assert.Equal(1L, a.Epoch);
        await WaitForRenewalAsync(db, "shard-2");
        Assert.True(await a.Acquire());
        Assert.Equal(1L, await db.EpochAsync("shard-2"));

        Assert.True(await a.Release());
        Assert.True(await b.Acquire());
        Assert.Equal(2L, b.Epoch);
        Assert.True(await b.Release());
        Assert.True(await b.Acquire());
        Assert.Equal(3L, await db.EpochAsync("shard-2"));
        await b.Release();
    }

    [Fact]
    public async Task Renewal_keeps_the_lease_past_its_ttl()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(Renewal_keeps_the_lease_past_its_ttl));
        var a = db.Lease("shard-3", "10.0.0.1:4053", "aaaa0003");
        var b = db.Lease("shard-3", "10.0.0.2:4053", "bbbb0003");
        var lost = 0;
        Assert.True(await a.Acquire(_ => Interlocked.Increment(ref lost)));
        var firstExpiry = await db.ScalarAsync<DateTime>("SELECT expires_at FROM sc_leases WHERE name = 'shard-3'");

        // Wait until PostgreSQL's clock is past the first expiry: only renewals can have kept it.
        while (await db.ScalarAsync<DateTime>("SELECT now()") <= firstExpiry.AddSeconds(1))
        {
            await Task.Delay(250);
        }

        Assert.True(a.CheckLease());
        Assert.Equal(0, Volatile.Read(ref lost));
        Assert.False(await b.Acquire());
        Assert.Equal(1L, await db.EpochAsync("shard-3"));
        await a.Release();
    }

    [Fact]
    public async Task A_holder_that_stops_renewing_loses_it_after_the_ttl_and_the_next_holder_gets_the_next_epoch()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(A_holder_that_stops_renewing_loses_it_after_the_ttl_and_the_next_holder_gets_the_next_epoch));

        // A node that acquired and then died: its row is written, nobody renews it.
        var crashed = new LeaseStore(db.ConnectionString, "shard-4", LeaseHolder.Of("10.0.0.1:4053", "dead0004"), LeaseDatabase.Ttl);
        Assert.Equal(1L, await crashed.AcquireAsync(CancellationToken.None));
        var expiry = await db.ScalarAsync<DateTime>("SELECT expires_at FROM sc_leases WHERE name = 'shard-4'");

        var b = db.Lease("shard-4", "10.0.0.2:4053", "bbbb0004");
        Assert.False(await b.Acquire());

        var deadline = DateTime.UtcNow + Patience;
        while (!await b.Acquire())
        {
            Assert.True(DateTime.UtcNow < deadline, "the dead holder's lease never became free");
            await Task.Delay(200);
        }

        Assert.True(await db.ScalarAsync<bool>("SELECT now() >= @e", ("e", expiry)), "taken before the dead holder's TTL ended");
        Assert.Equal(2L, b.Epoch);
        Assert.Equal("10.0.0.2:4053#bbbb0004", await db.OwnerAsync("shard-4"));
        await b.Release();
    }

    [Fact]
    public async Task Release_frees_the_lease_at_once()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(Release_frees_the_lease_at_once));
        var a = db.Lease("shard-5", "10.0.0.1:4053", "aaaa0005");
        var b = db.Lease("shard-5", "10.0.0.2:4053", "bbbb0005");
        var lost = 0;
        Assert.True(await a.Acquire(_ => Interlocked.Increment(ref lost)));

        Assert.True(await a.Release());
        Assert.False(a.CheckLease());
        Assert.True(await b.Acquire());
        Assert.Equal(2L, b.Epoch);
        Assert.Equal(0, Volatile.Read(ref lost));
        await b.Release();
    }

    [Fact]
    public async Task A_node_restarted_at_the_same_address_is_a_different_holder()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(A_node_restarted_at_the_same_address_is_a_different_holder));
        var before = new LeaseStore(db.ConnectionString, "shard-6", LeaseHolder.Of("10.0.0.1:4053", "aaaa0006"), LeaseDatabase.Ttl);
        Assert.Equal(1L, await before.AcquireAsync(CancellationToken.None));

        var restarted = db.Lease("shard-6", "10.0.0.1:4053", "cccc0006");
        Assert.False(await restarted.Acquire());
    }

    [Fact]
    public async Task A_holder_whose_renewals_are_blocked_gives_the_lease_up_once_and_before_its_ttl_ends()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(A_holder_whose_renewals_are_blocked_gives_the_lease_up_once_and_before_its_ttl_ends));
        var a = db.Lease("shard-7", "10.0.0.1:4053", "aaaa0007");
        var lostCalls = 0;
        var lost = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(await a.Acquire(reason =>
        {
            Interlocked.Increment(ref lostCalls);
            lost.TrySetResult(reason);
        }));

        // Another session holds the table: every renewal blocks, as against a database that stopped answering.
        await using var blocker = new NpgsqlConnection(db.ConnectionString);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE sc_leases IN ACCESS EXCLUSIVE MODE", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var reason = await lost.Task.WaitAsync(Patience);

        // The callback came while PostgreSQL still counts the lease as ours: nobody else could have taken it yet.
        await using (var check = new NpgsqlCommand("SELECT expires_at > clock_timestamp() FROM sc_leases WHERE name = 'shard-7'", blocker, transaction))
        {
            Assert.True((bool)(await check.ExecuteScalarAsync())!, "the lost callback came after the lease's TTL ended");
        }

        Assert.False(a.CheckLease());
        Assert.Equal(LeaseFailure.RenewalOverdue, Assert.IsType<LeaseFailureException>(reason).Failure);
        await transaction.RollbackAsync();

        // The given-up lease is expired (or expires) and free for the next holder; the callback came exactly once.
        var b = db.Lease("shard-7", "10.0.0.2:4053", "bbbb0007");
        var deadline = DateTime.UtcNow + Patience;
        while (!await b.Acquire())
        {
            Assert.True(DateTime.UtcNow < deadline, "the given-up lease never became free");
            await Task.Delay(200);
        }

        Assert.Equal(2L, b.Epoch);
        Assert.Equal(1, Volatile.Read(ref lostCalls));
        await b.Release();
    }

    [Fact]
    public async Task A_holder_whose_lease_was_taken_over_is_told_at_its_next_renewal()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(A_holder_whose_lease_was_taken_over_is_told_at_its_next_renewal));
        var a = db.Lease("shard-8", "10.0.0.1:4053", "aaaa0008");
        var lost = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(await a.Acquire(reason => lost.TrySetResult(reason)));

        await db.ScalarAsync<int>("UPDATE sc_leases SET owner = 'x:1#zzzz0008', incarnation = 'zzzz0008', epoch = epoch + 1 WHERE name = 'shard-8'");

        var reason = await lost.Task.WaitAsync(Patience);
        Assert.Equal(LeaseFailure.TakenOver, Assert.IsType<LeaseFailureException>(reason).Failure);
        Assert.False(a.CheckLease());
        Assert.Equal("x:1#zzzz0008", await db.OwnerAsync("shard-8"));
    }

    [Fact]
    public async Task Release_finishes_on_the_calling_thread_so_fifty_shards_blocking_on_it_at_once_need_no_other_thread()
    {
        // Akka's Shard.PostStop blocks its pool thread on Release(): the release must not need another pool thread.
        var db = await LeaseDatabase.CreateAsync(server, nameof(Release_finishes_on_the_calling_thread_so_fifty_shards_blocking_on_it_at_once_need_no_other_thread));
        var leases = Enumerable.Range(0, 50).Select(i => db.Lease($"shard-r{i}", "10.0.0.1:4053", "aaaa0050")).ToList();
        foreach (var lease in leases)
        {
            Assert.True(await lease.Acquire());
        }

        var released = await Task.WhenAll(leases.Select(lease => Task.Run(() =>
        {
            var release = lease.Release();
            return release.IsCompleted && release.GetAwaiter().GetResult();
        })));

        Assert.All(released, Assert.True);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM sc_leases WHERE name LIKE 'shard-r%' AND expires_at > now()"));
    }

    [Fact]
    public async Task Acquire_against_an_unreachable_database_faults_with_a_typed_failure()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(Acquire_against_an_unreachable_database_faults_with_a_typed_failure));
        var closed = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Port = ClosedPort(), Timeout = 1 }.ConnectionString;
        var a = db.Lease("shard-9", "10.0.0.1:4053", "aaaa0009", closed);

        var failure = await Assert.ThrowsAsync<LeaseFailureException>(() => a.Acquire());
        Assert.Contains(failure.Failure, new[] { LeaseFailure.DatabaseUnreachable, LeaseFailure.OperationTimedOut });
        Assert.DoesNotContain("Password", failure.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(a.CheckLease());
    }

    [Fact]
    public void A_lease_without_an_incarnation_is_refused_as_invalid_configuration()
    {
        var db = new LeaseDatabase("Host=127.0.0.1;Username=postgres");
        var failure = Assert.Throws<LeaseFailureException>(() => db.Lease("shard-10", "10.0.0.1:4053", "no"));
        Assert.Equal(LeaseFailure.InvalidConfiguration, failure.Failure);
    }

    private static async Task WaitForRenewalAsync(LeaseDatabase db, string lease)
    {
        var acquired = await db.ScalarAsync<DateTime>("SELECT acquired_at FROM sc_leases WHERE name = @n", ("n", lease));
        var deadline = DateTime.UtcNow + Patience;
        while (await db.ScalarAsync<DateTime>("SELECT renewed_at FROM sc_leases WHERE name = @n", ("n", lease)) <= acquired)
        {
            Assert.True(DateTime.UtcNow < deadline, "the lease was never renewed");
            await Task.Delay(100);
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
