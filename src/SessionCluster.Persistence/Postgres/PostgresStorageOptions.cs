namespace SessionCluster.Persistence.Postgres;

/// <summary>Where and how <see cref="PostgresDatabase"/> keeps the journal and snapshots. Every default is the one stated here.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>
    /// An Npgsql connection string. Required, no default. The tables are created in the connection's default
    /// schema (set <c>Search Path</c> to use another). Unless the string sets <c>Max Auto Prepare</c>, it is
    /// raised to 32, so the pooled connections' statements (claims, replays, snapshots) are prepared too.
    /// </summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// Default 1,000. How many events the append writer sends in one statement (one round trip, one commit).
    /// One write larger than this is still sent whole.
    /// </summary>
    public int MaxBatchSize { get; init; } = 1_000;

    /// <summary>
    /// Default 1. Append writers, each with its own connection and batch in flight; a persistence id always goes
    /// to the same one (by hash), so its writes stay in order. More than one pipelines batches: one is being
    /// built and sent while another is being committed. On the 2-core development VM, with the server on the
    /// same machine, 2 and 3 writers measured no clear gain over 1 (client and server share the cores); it
    /// should pay off when the round trip to the server, not the CPU, is what a batch waits for.
    /// </summary>
    public int AppendWriters { get; init; } = 1;

    /// <summary>Default 1,000. Events a replay reads per query; the connection goes back to the pool between pages.</summary>
    public int ReplayPageSize { get; init; } = 1_000;

    /// <summary>
    /// Default 0x5343_4A4F_5552_4E4C ("SCJOURNL"). The key of the session-level advisory lock held while
    /// migrating, so that nodes starting together migrate one after another. Change it only if another
    /// application in the same database uses this key.
    /// </summary>
    public long MigrationLockKey { get; init; } = 0x5343_4A4F_5552_4E4C;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ConnectionString);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReplayPageSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(AppendWriters, 1);
    }
}
