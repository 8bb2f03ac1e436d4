using Akka.Configuration;
using SessionCluster.TestSupport;

namespace SessionCluster.Persistence.Tests.Support;

/// <summary>
/// Where a test's journal lives, as the node configures it: a fresh SQLite file (our plugins) or a fresh PostgreSQL
/// database (Akka.Persistence.Sql, <see cref="SessionClusterPersistence.Postgres"/>).
/// </summary>
public abstract class PluginStore
{
    /// <summary>"sqlite" or "postgres": the crash writer's first argument.</summary>
    public abstract string Engine { get; }

    /// <summary>The SQLite file or the connection string.</summary>
    public abstract string Target { get; }

    /// <summary>The node's journal and snapshot store for the engine as the defaults, on <see cref="Target"/>, with the test's own settings first.</summary>
    public Config Config(string testSettings = "") => ConfigurationFactory.ParseString($"""
        akka.loglevel = INFO
        akka.actor.serialization-settings.sc-protobuf.assemblies = ["Google.Protobuf"]
        {testSettings}
        """).WithFallback(Engine == "sqlite" ? SessionClusterPersistence.Sqlite(Target) : SessionClusterPersistence.Postgres(Target));

    public string ReadJournalId => Engine == "sqlite" ? SessionClusterPersistence.SqliteReadJournalId : SessionClusterPersistence.PostgresReadJournalId;

    public static PluginStore Sqlite() => new SqliteStore(Path.Combine(Directory.CreateTempSubdirectory("sc-persistence-").FullName, "journal.db"));

    public static async Task<PluginStore> PostgresAsync(PostgresServer server, string hint) => new PostgresStore(await server.CreateDatabaseAsync(hint));

    private sealed class SqliteStore(string path) : PluginStore
    {
        public override string Engine => "sqlite";

        public override string Target => path;
    }

    private sealed class PostgresStore(string connectionString) : PluginStore
    {
        public override string Engine => "postgres";

        public override string Target => connectionString;
    }
}
