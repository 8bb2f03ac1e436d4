using System.Data.Common;
using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;
using SessionCluster.Host.Composition;
using SessionCluster.Host.Options;

namespace SessionCluster.Host.Management;

/// <summary>
/// <c>GET /v1/admin/journal/stats</c>: what the node's journal holds, counted exactly in the journal's own tables (one
/// read-only query each; these are full counts, so an admin call, not a metric to scrape). <c>bytes</c> is the SQLite
/// file with its write-ahead log, or PostgreSQL's <c>pg_total_relation_size</c> of the journal and snapshot tables.
/// </summary>
internal sealed record JournalStatsView(string Engine, string Provider, string Location, long Events, long PersistenceIds, long Snapshots, long? Bytes)
{
    public static async Task<JournalStatsView> ReadAsync(NodeSettings settings, Config akka, CancellationToken ct)
    {
        var persistence = settings.Persistence;
        var engine = persistence.EngineKind.ToString().ToLowerInvariant();
        var provider = persistence.ProviderKind.ToString().ToLowerInvariant();
        var location = PersistenceComposition.DescribeLocation(settings);
        if (persistence.EngineKind == PersistenceEngine.Postgres)
        {
            await using var connection = new NpgsqlConnection(persistence.ConnectionString);
            await connection.OpenAsync(ct).ConfigureAwait(false);
            var tables = SqlTables.From(akka, quote: '"');
            var (events, ids, snapshots) = await CountAsync(connection, tables, ct).ConfigureAwait(false);
            var bytes = await ScalarAsync(connection, $"SELECT pg_total_relation_size('{tables.Journal}') + pg_total_relation_size('{tables.Snapshot}')", ct).ConfigureAwait(false);
            return new JournalStatsView(engine, provider, location, events, ids, snapshots, bytes);
        }

        var file = PersistenceComposition.SqliteFile(settings);
        await using (var sqlite = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            await sqlite.OpenAsync(ct).ConfigureAwait(false);
            var (events, ids, snapshots) = persistence.ProviderKind == PersistenceProvider.SessionCluster
                // Our plugin's schema (src/SessionCluster.Persistence/Sqlite/Migrations): persistence_ids has one row per id ever written.
                ? await CountAsync(sqlite, "SELECT count(*) FROM journal", "SELECT count(*) FROM persistence_ids", "SELECT count(*) FROM snapshots", ct).ConfigureAwait(false)
                : await CountAsync(sqlite, SqlTables.From(akka, quote: '"'), ct).ConfigureAwait(false);
            return new JournalStatsView(engine, provider, location, events, ids, snapshots, Size(file) + Size(file + "-wal"));
        }
    }

    private static long Size(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    private static async Task<(long Events, long PersistenceIds, long Snapshots)> CountAsync(DbConnection connection, string events, string ids, string snapshots, CancellationToken ct) =>
        (await ScalarAsync(connection, events, ct).ConfigureAwait(false),
         await ScalarAsync(connection, ids, ct).ConfigureAwait(false),
         await ScalarAsync(connection, snapshots, ct).ConfigureAwait(false));

    private static Task<(long Events, long PersistenceIds, long Snapshots)> CountAsync(DbConnection connection, SqlTables tables, CancellationToken ct) =>
        CountAsync(connection, tables.EventsSql, tables.PersistenceIdsSql, tables.SnapshotsSql, ct);

    private static async Task<long> ScalarAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Akka.Persistence.Sql's tables as its configuration names them (<c>table-mapping</c>, then that mapping's table
    /// and column names; defaults <c>journal</c>, <c>persistence_id</c>, <c>deleted</c>, <c>snapshot</c>). Its
    /// deletes are logical (<c>deleted</c> set), so events count the rows not deleted.
    /// </summary>
    private sealed record SqlTables(string Journal, string Snapshot, string PersistenceId, string Deleted)
    {
        public static SqlTables From(Config akka, char quote)
        {
            var mapping = akka.GetString("akka.persistence.journal.sql.table-mapping", "default");
            var journal = $"akka.persistence.journal.sql.{mapping}";
            var snapshot = $"akka.persistence.snapshot-store.sql.{mapping}";
            return new SqlTables(
                Qualified(akka.GetString($"{journal}.schema-name", null), akka.GetString($"{journal}.journal.table-name", "journal"), quote),
                Qualified(akka.GetString($"{snapshot}.schema-name", null), akka.GetString($"{snapshot}.snapshot.table-name", "snapshot"), quote),
                Quoted(akka.GetString($"{journal}.journal.columns.persistence-id", "persistence_id"), quote),
                Quoted(akka.GetString($"{journal}.journal.columns.deleted", "deleted"), quote));
        }

        public string EventsSql => $"SELECT count(*) FROM {Journal} WHERE {Deleted} = false";

        public string PersistenceIdsSql => $"SELECT count(DISTINCT {PersistenceId}) FROM {Journal}";

        public string SnapshotsSql => $"SELECT count(*) FROM {Snapshot}";

        private static string Qualified(string? schema, string table, char quote) =>
            string.IsNullOrEmpty(schema) || schema == "null" ? Quoted(table, quote) : $"{Quoted(schema, quote)}.{Quoted(table, quote)}";

        // Names come from the node's own configuration, never from a request; quoting keeps a mixed-case name intact.
        private static string Quoted(string name, char quote) => $"{quote}{name.Replace(quote.ToString(), string.Empty, StringComparison.Ordinal)}{quote}";
    }
}
