using System.Reflection;
using Akka.Configuration;

namespace SessionCluster.Persistence;

/// <summary>The plugin ids and the documented defaults (<c>persistence.conf</c>) of SessionCluster's Akka persistence plugins.</summary>
public static class SessionClusterPersistence
{
    public const string SqliteJournalId = "akka.persistence.journal.sessioncluster-sqlite";
    public const string PostgresJournalId = "akka.persistence.journal.sessioncluster-postgres";
    public const string SqliteSnapshotStoreId = "akka.persistence.snapshot-store.sessioncluster-sqlite";
    public const string PostgresSnapshotStoreId = "akka.persistence.snapshot-store.sessioncluster-postgres";
    public const string SqliteReadJournalId = Query.SessionClusterReadJournal.SqliteIdentifier;
    public const string PostgresReadJournalId = Query.SessionClusterReadJournal.PostgresIdentifier;

    private static readonly Lazy<Config> Defaults = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SessionCluster.Persistence.persistence.conf")
            ?? throw new InvalidOperationException("persistence.conf is not embedded in SessionCluster.Persistence.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>Every key of the plugins with its default; put it under the application's own settings as a fallback.</summary>
    public static Config DefaultConfig => Defaults.Value;

    /// <summary>
    /// Settings that make the SQLite plugins the default journal and snapshot store on <paramref name="path"/>
    /// (defaults included).
    /// </summary>
    public static Config Sqlite(string path) => ConfigurationFactory.ParseString($$"""
        akka.persistence.journal.plugin = "{{SqliteJournalId}}"
        akka.persistence.snapshot-store.plugin = "{{SqliteSnapshotStoreId}}"
        akka.persistence.journal.sessioncluster-sqlite.path = {{Quote(path)}}
        akka.persistence.snapshot-store.sessioncluster-sqlite.path = {{Quote(path)}}
        """).WithFallback(DefaultConfig);

    /// <summary>
    /// Settings that make the PostgreSQL plugins the default journal and snapshot store on
    /// <paramref name="connectionString"/> (defaults included).
    /// </summary>
    public static Config Postgres(string connectionString) => ConfigurationFactory.ParseString($$"""
        akka.persistence.journal.plugin = "{{PostgresJournalId}}"
        akka.persistence.snapshot-store.plugin = "{{PostgresSnapshotStoreId}}"
        akka.persistence.journal.sessioncluster-postgres.connection-string = {{Quote(connectionString)}}
        akka.persistence.snapshot-store.sessioncluster-postgres.connection-string = {{Quote(connectionString)}}
        """).WithFallback(DefaultConfig);

    /// <summary>A HOCON quoted string (backslashes and quotes escaped).</summary>
    internal static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
