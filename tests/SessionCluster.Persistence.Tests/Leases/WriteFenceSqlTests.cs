using Npgsql;
using SessionCluster.Persistence.Leases;
using SessionCluster.Persistence.Tests.Support;
using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Leases;

/// <summary>
/// The fence trigger on its own, by direct inserts into Akka.Persistence.Sql's tables under different
/// application_names: which sessions a persistence id may belong to, and who may write them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WriteFenceSqlTests(PostgresServer server, ITestOutputHelper output) : SystemsTest(output)
{
    private const string HolderA = "aaaa1001";
    private const string HolderB = "bbbb1001";

    [Theory]
    [InlineData("session-abc", "abc")]
    [InlineData("session-a.b_c-d", "a.b_c-d")]
    [InlineData("session-keys-abc", "abc,keys-abc")]
    [InlineData("ratchet-my-sess-4915112345678.0:2@s.whatsapp.net", "my-sess")]
    [InlineData("ratchet-s1-4915112345678@s.whatsapp.net", "s1")]
    [InlineData("senderkeys-s1-120363012345678901@g.us", "s1")]
    [InlineData("senderkeys-my-sess-120363012345678901@g.us", "my,my-sess")]
    [InlineData("senderkeys-my-sess-4915112345678-1600000000@g.us", "my-sess,my-sess-4915112345678")]
    [InlineData("ratchet-nodash", "")]
    public async Task A_session_family_id_resolves_to_its_candidate_sessions(string persistenceId, string expected)
    {
        var db = await ClassDatabaseAsync();
        var candidates = await db.ScalarAsync<string[]>("SELECT sc_fence_candidates(@p)", ("p", persistenceId));
        Assert.NotNull(candidates);
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal), candidates!.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("/sharding/sessionShard/12")]
    [InlineData("/sharding/sessionCoordinator")]
    [InlineData("sessioncluster-health-probe@127.0.0.1:5081")]
    [InlineData("health-probe")]
    [InlineData("sessions-index")]
    public async Task An_id_outside_the_session_family_is_not_fenced(string persistenceId)
    {
        var db = await ClassDatabaseAsync();
        Assert.Null(await db.ScalarAsync<string[]>("SELECT sc_fence_candidates(@p)", ("p", persistenceId)));
    }

    [Fact]
    public async Task Journal_rows_are_accepted_only_from_the_holder_of_every_registered_candidate_session()
    {
        var db = await FencedDatabaseAsync(nameof(Journal_rows_are_accepted_only_from_the_holder_of_every_registered_candidate_session));
        await HoldAsync(db, "lease-1", HolderA);
        await HoldAsync(db, "lease-2", HolderB);
        var fence = new PostgresWriteFence(db.ConnectionString);
        await fence.RegisterAsync("a-b", "lease-1", CancellationToken.None);
        await fence.RegisterAsync("a", "lease-2", CancellationToken.None);
        await fence.RegisterAsync("x", "lease-1", CancellationToken.None);

        // ratchet-{a-b}-{device}: one candidate, a-b.
        await AcceptedAsync(db, App(HolderA), "ratchet-a-b-4915112345678.0:1@s.whatsapp.net");
        await RefusedAsync(db, App(HolderB), "ratchet-a-b-4915112345678.0:1@s.whatsapp.net", "lease-1");

        // senderkeys-a-b-{group with no '-'}: candidates a-b (registered) and a (registered elsewhere): both must be held.
        await RefusedAsync(db, App(HolderA), "senderkeys-a-b-120363012345678901@g.us", "lease-2");

        // senderkeys-a-b-{legacy group creator-timestamp}: candidates a-b-4915… (unregistered) and a-b.
        await AcceptedAsync(db, App(HolderA), "senderkeys-a-b-4915112345678-1600000000@g.us");

        // session-keys-x: candidates x (registered) and keys-x (not): the holder of x's lease writes it.
        await AcceptedAsync(db, App(HolderA), "session-keys-x");
        await RefusedAsync(db, App(HolderB), "session-keys-x", "lease-1");

        // A session nobody registered is refused to everyone; an unfenced id to nobody, even an unnamed writer.
        await RefusedAsync(db, App(HolderA), "session-unregistered", "no registered session");
        await AcceptedAsync(db, "psql", "/sharding/sessionShard/3");
        await RefusedAsync(db, "psql", "session-x", "lease-1");
    }

    [Fact]
    public async Task A_holder_whose_lease_expired_is_refused_and_the_next_holder_is_accepted()
    {
        var db = await FencedDatabaseAsync(nameof(A_holder_whose_lease_expired_is_refused_and_the_next_holder_is_accepted));
        await HoldAsync(db, "lease-1", HolderA);
        await new PostgresWriteFence(db.ConnectionString).RegisterAsync("s1", "lease-1", CancellationToken.None);
        await AcceptedAsync(db, App(HolderA), "session-s1");

        await db.ScalarAsync<int>("UPDATE sc_leases SET expires_at = now() WHERE name = 'lease-1'");
        await RefusedAsync(db, App(HolderA), "session-s1", "lease-1");

        await HoldAsync(db, "lease-1", HolderB);
        await AcceptedAsync(db, App(HolderB), "session-s1");
    }

    [Fact]
    public async Task A_writer_frozen_inside_its_transaction_holds_up_a_takeover_only_until_postgres_ends_its_idle_transaction()
    {
        var db = await FencedDatabaseAsync(nameof(A_writer_frozen_inside_its_transaction_holds_up_a_takeover_only_until_postgres_ends_its_idle_transaction));
        await HoldAsync(db, "lease-1", HolderA);
        await new PostgresWriteFence(db.ConnectionString).RegisterAsync("s1", "lease-1", CancellationToken.None);

        // The writer's INSERT ran (the trigger share-locked the lease row); then it froze before its COMMIT.
        await using var frozen = new NpgsqlConnection(FencedConnectionString.For(db.ConnectionString, HolderA));
        await frozen.OpenAsync();
        await using var transaction = await frozen.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO journal (persistence_id, sequence_number, deleted, created, message, identifier, manifest, writer_uuid) " +
            "VALUES ('session-s1', 1, false, 0, '\\x00'::bytea, 1, '', 'test')", frozen, transaction))
        {
            await insert.ExecuteNonQueryAsync();
        }

        // A takeover updates the lease row: it waits for the frozen writer, until PostgreSQL ends that session.
        var started = DateTime.UtcNow;
        await db.ScalarAsync<int>("UPDATE sc_leases SET expires_at = now() WHERE name = 'lease-1'");
        var waited = DateTime.UtcNow - started;

        Assert.InRange(waited, FencedConnectionString.IdleInTransactionTimeout - TimeSpan.FromSeconds(2), FencedConnectionString.IdleInTransactionTimeout + TimeSpan.FromSeconds(20));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => transaction.CommitAsync());
    }

    [Fact]
    public async Task Snapshot_rows_are_fenced_like_journal_rows()
    {
        var db = await FencedDatabaseAsync(nameof(Snapshot_rows_are_fenced_like_journal_rows));
        await HoldAsync(db, "lease-1", HolderA);
        await new PostgresWriteFence(db.ConnectionString).RegisterAsync("s1", "lease-1", CancellationToken.None);

        await SnapshotAsync(db, HolderA, "session-s1");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => SnapshotAsync(db, HolderB, "session-s1"));
        Assert.Equal(LeaseSqlState, refused.SqlState);
    }

    [Fact]
    public async Task Registering_a_session_is_idempotent_and_refuses_another_lease()
    {
        var db = await LeaseDatabase.CreateAsync(server, nameof(Registering_a_session_is_idempotent_and_refuses_another_lease));
        var fence = new PostgresWriteFence(db.ConnectionString);
        await fence.RegisterAsync("s1", "lease-1", CancellationToken.None);
        await fence.RegisterAsync("s1", "lease-1", CancellationToken.None);

        var mismatch = await Assert.ThrowsAsync<LeaseFailureException>(() => fence.RegisterAsync("s1", "lease-2", CancellationToken.None).AsTask());
        Assert.Equal(LeaseFailure.FenceMismatch, mismatch.Failure);
        Assert.Equal("lease-1", await db.ScalarAsync<string>("SELECT lease_name FROM sc_session_fences WHERE session_id = 's1'"));
    }

    private const string LeaseSqlState = "SC409";

    /// <summary>One database for the read-only tests of this class (the install is idempotent).</summary>
    private async Task<LeaseDatabase> ClassDatabaseAsync()
    {
        var connectionString = await server.DatabaseForClassAsync(nameof(WriteFenceSqlTests));
        await LeaseSchema.InstallAsync(connectionString, CancellationToken.None);
        return new LeaseDatabase(connectionString);
    }

    private async Task<LeaseDatabase> FencedDatabaseAsync(string hint)
    {
        var db = await LeaseDatabase.CreateAsync(server, hint);
        var node = Systems.Start("fence-setup", FencedJournal.Config(db.ConnectionString, HolderA));
        await FencedJournal.StartAndAttachAsync(node, db.ConnectionString);
        return db;
    }

    private static async Task HoldAsync(LeaseDatabase db, string lease, string incarnation)
    {
        var store = new LeaseStore(db.ConnectionString, lease, LeaseHolder.Of("10.0.0.1:4053", incarnation), TimeSpan.FromMinutes(5));
        Assert.NotNull(await store.AcquireAsync(CancellationToken.None));
    }

    /// <summary>The application_name a node of incarnation <paramref name="incarnation"/> writes under.</summary>
    private static string App(string incarnation) => FencedConnectionString.ApplicationNamePrefix + incarnation;

    private static Task AcceptedAsync(LeaseDatabase db, string applicationName, string persistenceId) =>
        InsertEventAsync(db, applicationName, persistenceId);

    private static async Task RefusedAsync(LeaseDatabase db, string applicationName, string persistenceId, string messagePart)
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => InsertEventAsync(db, applicationName, persistenceId));
        Assert.Equal(LeaseSqlState, refused.SqlState);
        Assert.Contains(persistenceId, refused.MessageText, StringComparison.Ordinal);
        Assert.Contains(messagePart, refused.MessageText, StringComparison.Ordinal);
    }

    private static long _sequence;

    private static async Task InsertEventAsync(LeaseDatabase db, string applicationName, string persistenceId)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.ConnectionString) { ApplicationName = applicationName }.ConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO journal (persistence_id, sequence_number, deleted, created, message, identifier, manifest, writer_uuid)
            VALUES (@p, @s, false, 0, '\x00'::bytea, 1, '', 'test')
            """, connection);
        insert.Parameters.AddWithValue("p", persistenceId);
        insert.Parameters.AddWithValue("s", Interlocked.Increment(ref _sequence));
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task SnapshotAsync(LeaseDatabase db, string incarnation, string persistenceId)
    {
        await using var connection = new NpgsqlConnection(FencedConnectionString.For(db.ConnectionString, incarnation));
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO snapshot (persistence_id, sequence_number, created, snapshot, manifest, serializer_id)
            VALUES (@p, @s, 0, '\x00'::bytea, '', 1)
            """, connection);
        insert.Parameters.AddWithValue("p", persistenceId);
        insert.Parameters.AddWithValue("s", Interlocked.Increment(ref _sequence));
        await insert.ExecuteNonQueryAsync();
    }
}
