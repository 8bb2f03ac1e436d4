using Akka.Configuration;
using Akka.Persistence.Sql;
using Microsoft.Data.Sqlite;
using Npgsql;
using SessionCluster.Persistence;
using SessionCluster.TestSupport;

namespace SessionCluster.Benchmarks.Persistence;

/// <summary>
/// One journal and snapshot store configuration the benchmark compares. Each measurement gets a fresh database
/// (<see cref="CreateAsync"/>), so no run reads or writes what another left.
/// </summary>
internal abstract class PersistenceTarget(string key, string plugin, string engine)
{
    /// <summary>The short name on the command line and in the results (<c>ours-sqlite</c>).</summary>
    public string Key { get; } = key;

    /// <summary>SessionCluster or Akka.Persistence.Sql.</summary>
    public string Plugin { get; } = plugin;

    /// <summary>SQLite or PostgreSQL, with the variant that matters (WAL on or off).</summary>
    public string Engine { get; } = engine;

    /// <summary>What exactly runs: settings that differ from the plugin's defaults, durability.</summary>
    public abstract string Description { get; }

    /// <summary>A fresh, empty database and the Akka settings that make this target the default journal and snapshot store.</summary>
    public abstract Task<Config> CreateAsync(string name);

    /// <summary>False where a fresh ActorSystem cannot read what another wrote (Akka's in-memory journal): no recovery run.</summary>
    public virtual bool Durable => true;

    /// <summary>False for variants that run only when named in <c>--targets</c>.</summary>
    public virtual bool InDefaultRun => true;

    /// <summary>What the database says about itself after a measurement (SQLite: journal_mode and synchronous), or null.</summary>
    public virtual string? Inspect(string name) => null;

    /// <summary>Releases what <see cref="CreateAsync"/> made for <paramref name="name"/> once its ActorSystem has terminated.</summary>
    public virtual Task ReleaseAsync(string name) => Task.CompletedTask;
}

/// <summary>Fresh SQLite files in one temp folder, deleted after each measurement.</summary>
internal sealed class SqliteFolder : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("sessioncluster-bench-persistence-");

    public string PathOf(string name) => Path.Combine(_folder.FullName, $"{name}.db");

    public string FullName => _folder.FullName;

    public void Delete(string name)
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(PathOf(name) + suffix);
        }
    }

    /// <summary>journal_mode and synchronous as a fresh Microsoft.Data.Sqlite connection to <paramref name="path"/> sees them.</summary>
    public static string Pragmas(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode; PRAGMA synchronous;";
        using var reader = command.ExecuteReader();
        reader.Read();
        var mode = reader.GetString(0);
        reader.NextResult();
        reader.Read();
        var synchronous = reader.GetInt64(0) switch { 0 => "OFF", 1 => "NORMAL", 2 => "FULL", 3 => "EXTRA", var n => n.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return $"journal_mode={mode}, synchronous={synchronous}";
    }

    public void Dispose() => _folder.Delete(recursive: true);
}

/// <summary>Ours on SQLite: <see cref="SessionClusterPersistence.Sqlite"/> as shipped (WAL, synchronous=FULL, group commit).</summary>
internal sealed class OursSqlite(SqliteFolder folder) : PersistenceTarget("ours-sqlite", "SessionCluster", "SQLite")
{
    public override string Description => "SessionClusterPersistence.Sqlite(path), shipped defaults (WAL, synchronous=FULL, max-batch-size 1000)";

    public override Task<Config> CreateAsync(string name) => Task.FromResult(SessionClusterPersistence.Sqlite(folder.PathOf(name)));

    public override string? Inspect(string name) => SqliteFolder.Pragmas(folder.PathOf(name));

    public override Task ReleaseAsync(string name)
    {
        folder.Delete(name);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Akka.Persistence.Sql on SQLite through Microsoft.Data.Sqlite (linq2db provider <c>SQLite.MS</c>), its defaults otherwise.
/// Neither its settings nor Microsoft.Data.Sqlite's connection string have a journal-mode key, so the file is created
/// first and <c>PRAGMA journal_mode</c> set on it: WAL is a property of the file and stays for every later connection;
/// the rollback journal (DELETE) is SQLite's default and needs nothing.
/// </summary>
/// <remarks>
/// <paramref name="parallelism"/> (the journal's write queues, default 3) is set to 1 only for the variant its
/// documentation suggests for SQLite ("SQLite allows at most a single writer at a time even in WAL mode").
/// </remarks>
internal sealed class AkkaSqlSqlite(SqliteFolder folder, bool wal, int parallelism = AkkaSqlSqlite.DefaultParallelism)
    : PersistenceTarget(
        (wal ? "akkasql-sqlite-wal" : "akkasql-sqlite-rollback") + (parallelism == DefaultParallelism ? "" : $"-p{parallelism}"),
        "Akka.Persistence.Sql",
        (wal ? "SQLite (WAL" : "SQLite (rollback journal") + (parallelism == DefaultParallelism ? ")" : $", parallelism {parallelism})"))
{
    public const string Provider = "SQLite.MS";
    public const int DefaultParallelism = 3;

    public override string Description =>
        $"Akka.Persistence.Sql 1.5.73, provider-name {Provider}, parallelism {parallelism}{(parallelism == DefaultParallelism ? " (its default)" : "")}, " +
        $"defaults otherwise (batch-size 100); file created with PRAGMA journal_mode={(wal ? "WAL" : "DELETE")}";

    public override Task<Config> CreateAsync(string name)
    {
        var path = folder.PathOf(name);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = wal ? "PRAGMA journal_mode=WAL;" : "PRAGMA journal_mode=DELETE;";
            var mode = (string?)command.ExecuteScalar();
            if (!string.Equals(mode, wal ? "wal" : "delete", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused journal_mode on {path}: it reports {mode}.");
            }
        }

        var config = AkkaSqlConfig($"Data Source={path}", Provider);
        return Task.FromResult(parallelism == DefaultParallelism
            ? config
            : ConfigurationFactory.ParseString($"akka.persistence.journal.sql.parallelism = {parallelism}").WithFallback(config));
    }

    public override string? Inspect(string name) => SqliteFolder.Pragmas(folder.PathOf(name));

    public override Task ReleaseAsync(string name)
    {
        folder.Delete(name);
        return Task.CompletedTask;
    }

    internal static Config AkkaSqlConfig(string connectionString, string provider) => ConfigurationFactory.ParseString($$"""
        akka.persistence.journal.plugin = "akka.persistence.journal.sql"
        akka.persistence.journal.sql.connection-string = {{SessionClusterPersistence.Quote(connectionString)}}
        akka.persistence.journal.sql.provider-name = "{{provider}}"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.sql"
        akka.persistence.snapshot-store.sql.connection-string = {{SessionClusterPersistence.Quote(connectionString)}}
        akka.persistence.snapshot-store.sql.provider-name = "{{provider}}"
        """).WithFallback(SqlPersistence.DefaultConfiguration);
}

/// <summary>The throwaway PostgreSQL server both PostgreSQL targets write to, one fresh database per measurement.</summary>
internal sealed class PostgresHost : IAsyncDisposable
{
    private readonly PostgresServer _server = new();

    public string Description { get; private set; } = "";

    public static async Task<PostgresHost> StartAsync()
    {
        var host = new PostgresHost();
        await host._server.InitializeAsync();
        var cs = await host._server.CreateDatabaseAsync("version");
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', shared_buffers=' || current_setting('shared_buffers')",
            connection);
        host.Description = $"PostgreSQL {(string?)await command.ExecuteScalarAsync()} (throwaway server: initdb into a temp folder, 127.0.0.1:{host._server.Port})";
        return host;
    }

    public Task<string> CreateDatabaseAsync(string name) => _server.CreateDatabaseAsync(name);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _server.DisposeAsync();
    }
}

/// <summary>
/// Akka.Persistence.Sql on PostgreSQL (linq2db provider <c>PostgreSQL.15</c>, Npgsql), its defaults otherwise: the
/// node's journal on PostgreSQL since our PostgreSQL plugin, measured against it here (1.6x–2.0x, short of the 3x
/// required), was removed (docs/BENCHMARKS.md; the plugin is in git history at 2fcbaf8).
/// </summary>
internal sealed class AkkaSqlPostgres(PostgresHost host) : PersistenceTarget("akkasql-postgres", "Akka.Persistence.Sql", "PostgreSQL")
{
    public const string Provider = "PostgreSQL.15";

    public override string Description => $"Akka.Persistence.Sql 1.5.73, provider-name {Provider}, defaults otherwise (parallelism 3, batch-size 100)";

    public override async Task<Config> CreateAsync(string name) => AkkaSqlSqlite.AkkaSqlConfig(await host.CreateDatabaseAsync(name), Provider);
}

/// <summary>
/// The ceiling, not a competitor: Akka's in-memory journal and snapshot store, which keep the events in a dictionary
/// and do no I/O at all. What it reaches is what Akka's persistence machinery itself (persistent actors, the journal
/// actor, its resequencer, the messages between them) allows on this machine; no journal can go faster through Akka.
/// </summary>
internal sealed class AkkaInMemory() : PersistenceTarget("akka-inmem", "Akka in-memory (ceiling)", "memory")
{
    public override string Description => "akka.persistence.journal.inmem and snapshot-store.inmem: no I/O, the bound any journal has through Akka";

    public override bool Durable => false;

    public override Task<Config> CreateAsync(string name) => Task.FromResult(ConfigurationFactory.ParseString("""
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """));
}
