using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SessionCluster.Edge.Store;

/// <summary>Which SQL the edge's tables are created with (their queries are the same on both).</summary>
public enum EdgeDialect
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The edge's own tables (tenants, keys, the session directory, webhooks and their cursors, the chats and messages
/// store): on SQLite a file beside the journal (<c>&lt;data&gt;/edge.db</c>, WAL), on PostgreSQL the node's database.
/// Kept apart from the journal because they are read models and bookkeeping the edge writes itself, while the journal
/// belongs to the actors. Every query is written once in the SQL both engines accept (<c>@name</c> parameters,
/// <c>ON CONFLICT</c>, <c>RETURNING</c>, integers for times in Unix milliseconds); only the <c>CREATE</c> scripts differ
/// (<see cref="EdgeMigrations"/>).
/// </summary>
public abstract class EdgeDatabase : IAsyncDisposable
{
    public abstract EdgeDialect Dialect { get; }

    /// <summary>An open connection; the caller disposes it (the pool keeps the socket or file handle).</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    public static EdgeDatabase Sqlite(string path) => new SqliteEdgeDatabase(path);

    public static EdgeDatabase Postgres(string connectionString) => new PostgresEdgeDatabase(connectionString);

    private sealed class SqliteEdgeDatabase(string path) : EdgeDatabase
    {
        // Pooled connections; a write that meets another's lock waits up to the command timeout (30 s) instead of failing.
        private readonly string _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        /// <summary>The same 30 s as the command timeout, waited inside SQLite.</summary>
        private const int BusyTimeoutMilliseconds = 30_000;

        public override EdgeDialect Dialect => EdgeDialect.Sqlite;

        public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
        {
            var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Per connection: foreign keys are off by default in SQLite. busy_timeout lets SQLite itself wait for another
            // connection's write lock, in steps of 1 to 100 ms: without it Microsoft.Data.Sqlite retries a busy statement
            // after a fixed Thread.Sleep(150), which the soak saw as a 150 ms p99 on 1 % of sends (docs/BENCHMARKS.md "Soak").
            await connection.ExecuteAsync($"PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {BusyTimeoutMilliseconds}", cancellationToken).ConfigureAwait(false);
            return connection;
        }

        public override ValueTask DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class PostgresEdgeDatabase(string connectionString) : EdgeDatabase
    {
        private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

        public override EdgeDialect Dialect => EdgeDialect.Postgres;

        public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
            await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        public override ValueTask DisposeAsync() => _source.DisposeAsync();
    }
}
