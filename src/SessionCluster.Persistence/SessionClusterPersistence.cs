using System.Reflection;
using Akka.Configuration;
using Akka.Persistence.Sql;

namespace SessionCluster.Persistence;

/// <summary>
/// The node's persistence, per engine: on SQLite our own plugins (<c>persistence.conf</c>, docs/PERSISTENCE.md); on
/// PostgreSQL Akka.Persistence.Sql, because a plugin of our own measures short of the 3x the project requires there
/// (docs/BENCHMARKS.md, "Persistence through Akka").
/// </summary>
public static class SessionClusterPersistence
{
    public const string SqliteJournalId = "akka.persistence.journal.sessioncluster-sqlite";
    public const string SqliteSnapshotStoreId = "akka.persistence.snapshot-store.sessioncluster-sqlite";
    public const string SqliteReadJournalId = Query.SessionClusterReadJournal.SqliteIdentifier;

    /// <summary>Akka.Persistence.Sql's journal, the default on PostgreSQL.</summary>
    public const string PostgresJournalId = "akka.persistence.journal.sql";

    /// <summary>Akka.Persistence.Sql's snapshot store, the default on PostgreSQL.</summary>
    public const string PostgresSnapshotStoreId = "akka.persistence.snapshot-store.sql";

    /// <summary>Akka.Persistence.Sql's read journal (events by persistence id, by tag, all events).</summary>
    public const string PostgresReadJournalId = "akka.persistence.query.journal.sql";

    /// <summary>linq2db's provider name for PostgreSQL 15 through Npgsql (the server the tests start is 15).</summary>
    private const string PostgresProvider = "PostgreSQL.15";

    private static readonly Lazy<Config> Defaults = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SessionCluster.Persistence.persistence.conf")
            ?? throw new InvalidOperationException("persistence.conf is not embedded in SessionCluster.Persistence.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>Every key of our plugins with its default; put it under the application's own settings as a fallback.</summary>
    public static Config DefaultConfig => Defaults.Value;

    /// <summary>
    /// Settings that make our SQLite plugins the default journal and snapshot store on <paramref name="path"/>
    /// (defaults included).
    /// </summary>
    public static Config Sqlite(string path) => ConfigurationFactory.ParseString($$"""
        akka.persistence.journal.plugin = "{{SqliteJournalId}}"
        akka.persistence.snapshot-store.plugin = "{{SqliteSnapshotStoreId}}"
        akka.persistence.journal.sessioncluster-sqlite.path = {{Quote(path)}}
        akka.persistence.snapshot-store.sessioncluster-sqlite.path = {{Quote(path)}}
        """).WithFallback(DefaultConfig);

    /// <summary>
    /// Settings that make Akka.Persistence.Sql the default journal, snapshot store and read journal on the PostgreSQL
    /// database at <paramref name="connectionString"/>; its tables are created on first use. Our protobuf serializer
    /// binding comes along (<see cref="DefaultConfig"/>), so events are stored the same way on both engines.
    /// </summary>
    public static Config Postgres(string connectionString)
    {
        var quoted = Quote(connectionString);
        return ConfigurationFactory.ParseString($$"""
            akka.persistence.journal.plugin = "{{PostgresJournalId}}"
            akka.persistence.snapshot-store.plugin = "{{PostgresSnapshotStoreId}}"
            akka.persistence.journal.sql { connection-string = {{quoted}}, provider-name = "{{PostgresProvider}}", auto-initialize = on }
            akka.persistence.snapshot-store.sql { connection-string = {{quoted}}, provider-name = "{{PostgresProvider}}", auto-initialize = on }
            akka.persistence.query.journal.sql { connection-string = {{quoted}}, provider-name = "{{PostgresProvider}}" }
            """).WithFallback(SqlPersistence.DefaultConfiguration).WithFallback(DefaultConfig);
    }

    /// <summary>A HOCON quoted string (backslashes and quotes escaped).</summary>
    internal static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
