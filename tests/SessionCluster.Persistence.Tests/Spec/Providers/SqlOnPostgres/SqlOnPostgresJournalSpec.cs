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

    [Fact(DisplayName = nameof(SqlOnPostgresJournalSpec) + "." + nameof(Akka_Persistence_Sql_replays_its_own_writer_id_and_the_serializer_manifest_instead_of_the_written_ones) + Differs)]
    public override Task A_replayed_event_keeps_its_persistence_id_sequence_number_writer_and_manifest() =>
        Akka_Persistence_Sql_replays_its_own_writer_id_and_the_serializer_manifest_instead_of_the_written_ones();

    [Fact(DisplayName = nameof(SqlOnPostgresJournalSpec) + "." + nameof(A_replay_starting_past_the_highest_sequence_number_reports_highest_zero) + Differs)]
    public override Task A_replay_starting_past_the_highest_sequence_number_returns_no_events() =>
        A_replay_starting_past_the_highest_sequence_number_reports_highest_zero();

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
