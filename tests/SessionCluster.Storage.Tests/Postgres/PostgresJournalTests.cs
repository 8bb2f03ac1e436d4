using SessionCluster.TestSupport;
using Npgsql;
using SessionCluster.Actors.Persistence;
using SessionCluster.Storage.Postgres;
using SessionCluster.Storage.Tests.Contracts;
using Xunit.Abstractions;

namespace SessionCluster.Storage.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresJournalTests(PostgresServer server, ITestOutputHelper output) : DurableJournalContractTests(output)
{
    private string _connectionString = "";

    protected override IReadOnlyList<(int Version, string Name)> ExpectedMigrations { get; } = [(1, "journal")];

    protected override async Task<IJournal> CreateJournalAsync()
    {
        _connectionString = await server.DatabaseForClassAsync(nameof(PostgresJournalTests));
        return await PostgresJournal.OpenAsync(new PostgresStorageOptions
        {
            ConnectionString = _connectionString,
            AppendWriters = int.TryParse(Environment.GetEnvironmentVariable("STORAGE_TESTS_PG_WRITERS"), out var writers) ? writers : 1,
        });
    }

    protected override Task CorruptPayloadAsync(string persistenceId, long sequenceNr) =>
        PostgresRows.CorruptPayloadAsync(_connectionString, "journal", persistenceId, sequenceNr);

    protected override Task<string> CreateEmptyStoreAsync() => server.CreateDatabaseAsync("journal_empty");

    protected override async Task<IJournal> OpenJournalAsync(string store) =>
        await PostgresJournal.OpenAsync(new PostgresStorageOptions { ConnectionString = store });

    protected override async Task<IReadOnlyList<(int Version, string Name)>> ReadMigrationsAsync(string store)
    {
        await using var connection = new NpgsqlConnection(store);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version, name FROM schema_migrations ORDER BY version", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(int, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1)));
        }

        return rows;
    }

    [Fact]
    public async Task Two_nodes_on_one_database_fence_each_other_through_the_claim()
    {
        // Two journals = two nodes with their own writers and connections.
        await using var other = await OpenJournalAsync(_connectionString);
        var pid = Id("two-nodes");
        await Journal.ClaimAsync(pid, "node-1/epoch-1");
        await Journal.AppendAsync(TestEvents.Write(pid, "node-1/epoch-1", 1));
        Assert.Equal(1, await other.ClaimAsync(pid, "node-2/epoch-2"));
        await other.AppendAsync(TestEvents.Write(pid, "node-2/epoch-2", 2));

        var rejected = await Assert.ThrowsAsync<JournalWriteRejectedException>(async () => await Journal.AppendAsync(TestEvents.Write(pid, "node-1/epoch-1", 2)));
        Assert.Equal(WriteRejection.FencedOut, rejected.Reason);
        var events = await Journal.ReplayAllAsync(pid);
        Assert.Equal(["node-1/epoch-1", "node-2/epoch-2"], events.Select(e => e.WriterId));
    }

    [Fact]
    public async Task Row_the_claim_table_does_not_know_of_fails_only_its_own_write()
    {
        // A journal row beyond persistence_ids.highest_sequence_nr (written underneath the journal) makes the
        // batch statement hit the unique key; the batch is redone one write at a time.
        var ids = Enumerable.Range(0, 20).Select(i => Id($"backstop{i}")).ToArray();
        foreach (var pid in ids)
        {
            await Journal.ClaimAsync(pid, "w1");
        }

        await PostgresRows.InsertStrayEventAsync(_connectionString, ids[7], 1);
        var outcomes = await Task.WhenAll(ids.Select(async pid =>
        {
            try
            {
                await Journal.AppendAsync(TestEvents.Write(pid, "w1", 1));
                return (WriteRejection?)null;
            }
            catch (JournalWriteRejectedException e)
            {
                return e.Reason;
            }
        }));

        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal(i == 7 ? WriteRejection.SequenceNrTaken : null, outcomes[i]);
            Assert.Equal(i == 7 ? 0 : 1, await Journal.ReadHighestSequenceNrAsync(ids[i]));
        }
    }
}

/// <summary>
/// The contract again with batches of 7 events, so that batch boundaries fall inside every scenario, and three
/// append writers, so that batches of different ids are in flight together.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresJournalSmallBatchTests(PostgresServer server, ITestOutputHelper output) : JournalContractTests(output)
{
    private string _connectionString = "";

    protected override async Task<IJournal> CreateJournalAsync()
    {
        _connectionString = await server.DatabaseForClassAsync(nameof(PostgresJournalSmallBatchTests));
        return await PostgresJournal.OpenAsync(new PostgresStorageOptions { ConnectionString = _connectionString, MaxBatchSize = 7, ReplayPageSize = 7, AppendWriters = 3 });
    }

    protected override Task CorruptPayloadAsync(string persistenceId, long sequenceNr) =>
        PostgresRows.CorruptPayloadAsync(_connectionString, "journal", persistenceId, sequenceNr);
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSnapshotStoreTests(PostgresServer server) : SnapshotStoreContractTests
{
    private string _connectionString = "";

    protected override async Task<ISnapshotStore> CreateStoreAsync()
    {
        _connectionString = await server.DatabaseForClassAsync(nameof(PostgresSnapshotStoreTests));
        return await PostgresSnapshotStore.OpenAsync(new PostgresStorageOptions { ConnectionString = _connectionString });
    }

    protected override Task CorruptPayloadAsync(string persistenceId, long sequenceNr) =>
        PostgresRows.CorruptPayloadAsync(_connectionString, "snapshots", persistenceId, sequenceNr);
}

/// <summary>Raw access underneath the journal, for the tests that damage or bypass it.</summary>
internal static class PostgresRows
{
    public static async Task CorruptPayloadAsync(string connectionString, string table, string persistenceId, long sequenceNr)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"UPDATE {table} SET payload = set_byte(payload, 0, get_byte(payload, 0) # 1) WHERE persistence_id = $1 AND sequence_nr = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequenceNr });
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    public static async Task InsertStrayEventAsync(string connectionString, string persistenceId, long sequenceNr)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "INSERT INTO journal (persistence_id, sequence_nr, manifest, payload, checksum, writer_id, created_at) VALUES ($1, $2, 'stray', '\\x00', 0, 'stray', now())",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = persistenceId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequenceNr });
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
