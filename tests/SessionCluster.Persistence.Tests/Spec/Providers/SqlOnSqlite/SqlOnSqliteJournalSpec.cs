using Akka.Configuration;
using Microsoft.Data.Sqlite;
using SessionCluster.Persistence.Tests.Spec.Providers.Sql;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Providers.SqlOnSqlite;

public sealed class SqlOnSqliteJournalSpec(ITestOutputHelper output) : SqlJournalSpec(output)
{
    private readonly SqlOnSqlitePlugins _store = SqlOnSqlitePlugins.CreateFresh();

    protected override Task<Config> CreatePluginConfigAsync() => Task.FromResult(_store.Config);

    protected override Task DeleteStoreAsync()
    {
        _store.Delete();
        return Task.CompletedTask;
    }

    [Fact(DisplayName = nameof(SqlOnSqliteJournalSpec) + "." + nameof(Akka_Persistence_Sql_replays_its_own_writer_id_and_the_serializer_manifest_instead_of_the_written_ones) + Differs)]
    public override Task A_replayed_event_keeps_its_persistence_id_sequence_number_writer_and_manifest() =>
        Akka_Persistence_Sql_replays_its_own_writer_id_and_the_serializer_manifest_instead_of_the_written_ones();

    [Fact(DisplayName = nameof(SqlOnSqliteJournalSpec) + "." + nameof(A_replay_starting_past_the_highest_sequence_number_reports_highest_zero) + Differs)]
    public override Task A_replay_starting_past_the_highest_sequence_number_returns_no_events() =>
        A_replay_starting_past_the_highest_sequence_number_reports_highest_zero();

    protected override async Task<IReadOnlyList<StoredRow>> ReadRowsAsync(string persistenceId)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _store.File }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence_number, deleted, length(message) FROM journal WHERE persistence_id = $pid ORDER BY sequence_number";
        command.Parameters.AddWithValue("$pid", persistenceId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<StoredRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredRow(reader.GetInt64(0), reader.GetBoolean(1), reader.GetInt64(2)));
        }

        return rows;
    }
}
