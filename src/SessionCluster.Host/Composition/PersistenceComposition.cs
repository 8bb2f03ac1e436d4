using Akka.Hosting;
using Akka.Persistence.Sql.Hosting;
using LinqToDB;
using Microsoft.Data.Sqlite;
using Npgsql;
using SessionCluster.Persistence.Hosting;
using SessionCluster.Persistence.Serialization;
using SessionCluster.Host.Options;

namespace SessionCluster.Host.Composition;

/// <summary>
/// The one place the persistence provider is chosen. Each provider registers its journal and snapshot store as the
/// ActorSystem's defaults, so the rest of the node (sessions, the health probe) never names a plugin.
/// </summary>
internal static class PersistenceComposition
{
    /// <summary>
    /// The protobuf messages the node stores (the sessions' journal events), read by <see cref="ProtobufSerializer"/>.
    /// A message renamed after events were stored under its old name gets an alias here.
    /// </summary>
    public static ProtobufMessageTypes MessageTypes() => new ProtobufMessageTypes().AddAssembly(typeof(Sessions.SessionActor).Assembly);

    /// <summary>
    /// Registers the configured provider's journal and snapshot store as the defaults, and binds every protobuf
    /// message to our serializer on all of them (Akka.Persistence.Sql on SQLite does not load persistence.conf). On
    /// PostgreSQL the journal connects as <paramref name="incarnation"/> (the write fence's token).
    /// </summary>
    public static AkkaConfigurationBuilder WithNodePersistence(this AkkaConfigurationBuilder builder, NodeSettings settings, string incarnation)
    {
        var persistence = settings.Persistence;
        var withJournal = persistence.ProviderKind switch
        {
            // On PostgreSQL both providers are Akka.Persistence.Sql: a plugin of our own does not reach the 3x the
            // project requires there (docs/BENCHMARKS.md, "Persistence through Akka").
            // Every journal and snapshot write carries this node's incarnation (its connection's application_name),
            // which the write fence checks against the session's shard lease (docs/CLUSTER.md "Leases and write fencing").
            _ when persistence.EngineKind == PersistenceEngine.Postgres => builder.WithSessionClusterPostgresPersistence(
                Persistence.Leases.FencedConnectionString.For(persistence.ConnectionString!, incarnation)),
            PersistenceProvider.SessionCluster => builder.WithSessionClusterSqlitePersistence(SqliteFile(settings)),
            PersistenceProvider.Sql => builder.WithAkkaPersistenceSqlOnSqlite(settings),
            var other => throw new NodeConfigurationException($"{PersistenceOptions.Section}:{nameof(PersistenceOptions.Provider)}",
                $"'{other}' is not built into this node."),
        };
        var types = MessageTypes();
        return withJournal.WithCustomSerializer("sc-protobuf", [typeof(Google.Protobuf.IMessage)], system => new ProtobufSerializer(system, types));
    }

    /// <summary>Where the journal lives, for the start-up log: the SQLite file, or PostgreSQL's host, port, database and user (never the password).</summary>
    public static string DescribeLocation(NodeSettings settings)
    {
        if (settings.Persistence.EngineKind == PersistenceEngine.Sqlite)
        {
            return SqliteFile(settings);
        }

        var postgres = new NpgsqlConnectionStringBuilder(settings.Persistence.ConnectionString);
        return $"postgres://{postgres.Username}@{postgres.Host}:{postgres.Port}/{postgres.Database}";
    }

    /// <summary>The SQLite journal file in the data folder: one file name per provider, so the two never share a schema.</summary>
    public static string SqliteFile(NodeSettings settings) => Path.Combine(
        settings.Node.DataFolderFullPath,
        settings.Persistence.ProviderKind == PersistenceProvider.Sql ? PersistenceOptions.SqlProviderSqliteFileName : PersistenceOptions.SqliteFileName);

    /// <summary>Akka.Persistence.Sql on SQLite (Microsoft.Data.Sqlite, its own file); it creates its tables at start.</summary>
    private static AkkaConfigurationBuilder WithAkkaPersistenceSqlOnSqlite(this AkkaConfigurationBuilder builder, NodeSettings settings)
    {
        var sqlite = new SqliteConnectionStringBuilder { DataSource = SqliteFile(settings), Pooling = true }.ToString();
        UseWriteAheadLog(sqlite);
        return builder.WithSqlPersistence(sqlite, ProviderName.SQLiteMS, autoInitialize: true);
    }

    /// <summary>
    /// Write-ahead logging lets the journal's readers and its writer work at once (Akka.Persistence.Sql on SQLite
    /// measured ~1k events/s with the default rollback journal, ~2.3k/s with WAL). The mode is stored in the file,
    /// so setting it once before the ActorSystem starts is enough.
    /// </summary>
    private static void UseWriteAheadLog(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }
}
