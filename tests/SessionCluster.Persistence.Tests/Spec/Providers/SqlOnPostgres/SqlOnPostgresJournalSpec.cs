using Akka.Configuration;
using Npgsql;
using SessionCluster.Persistence.Tests.Spec.Providers.Sql;
using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Providers.SqlOnPostgres;

[Collection(PostgresCollection.Name)]
public sealed class SqlOnPostgresJournalSpec(PostgresServer server, ITestOutputHelper output) : SqlJournalSpec(output)
{
    private string _connectionString = "";

    protected override async Task<Config> CreatePluginConfigAsync()
    {
        _connectionString = await server.DatabaseForClassAsync(nameof(SqlOnPostgresJournalSpec));
        return SqlOnPostgresPlugins.For(_connectionString);
    }

    protected override async Task<IReadOnlyList<StoredRow>> ReadRowsAsync(string persistenceId)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT sequence_number, deleted, octet_length(message) FROM journal WHERE persistence_id = @pid ORDER BY sequence_number", connection);
        command.Parameters.AddWithValue("pid", persistenceId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<StoredRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredRow(reader.GetInt64(0), reader.GetBoolean(1), reader.GetInt32(2)));
        }

        return rows;
    }
}
