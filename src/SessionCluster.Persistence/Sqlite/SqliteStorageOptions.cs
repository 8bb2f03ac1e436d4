namespace SessionCluster.Persistence.Sqlite;

/// <summary>Where and how <see cref="SqliteDatabase"/> keeps the journal and snapshots. Every default is the one stated here.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>
    /// The database file. Required, no default. The folder is created if missing; SQLite adds <c>-wal</c> and
    /// <c>-shm</c> files beside it, which belong to the database and must be copied (or checkpointed) with it.
    /// </summary>
    public required string Path { get; init; }

    /// <summary>
    /// Default 1,000. How many events (plus claims and deletions, which count one each) the writer puts into
    /// one transaction, and so behind one fsync. Larger batches amortize the fsync further but make every
    /// caller in them wait for the whole batch; one write larger than this is still taken whole.
    /// </summary>
    public int MaxBatchSize { get; init; } = 1_000;

    /// <summary>
    /// Default 5 seconds. How long a statement waits for a lock another process holds (SQLite's
    /// <c>busy_timeout</c>) before failing with "database is locked". Within one process only the writer
    /// writes, and WAL readers never wait for it, so this matters only when two processes share the file.
    /// </summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Default 8. Read connections (replay, highest sequence number, snapshot loads) kept open beside the
    /// single write connection; a reader beyond this many waits for one to come back.
    /// </summary>
    public int MaxReadConnections { get; init; } = 8;

    /// <summary>
    /// Default 10,000 pages (~40 MB of WAL with 4 KiB pages). SQLite's <c>wal_autocheckpoint</c>: the WAL size at which
    /// a commit also copies the WAL back into the database file. Every event dirties its persistence id's index page,
    /// so a batch of N actors' events writes about N pages; with SQLite's default of 1,000 pages a batch of 1,000 actors
    /// checkpointed at almost every commit, on the writer's thread. Through Akka with 1,000 actors, 10,000 measured
    /// 41,000 events/s against 27,000 with 1,000 (docs/BENCHMARKS.md), at the price of a larger WAL and a longer pause
    /// for each (rarer) checkpoint.
    /// </summary>
    public int WalAutoCheckpointPages { get; init; } = 10_000;

    /// <summary>
    /// Default 1,000. Events a replay reads per query. A replay holds a read connection only while it reads a
    /// page, never while its caller processes the events.
    /// </summary>
    public int ReplayPageSize { get; init; } = 1_000;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Path);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReadConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReplayPageSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(WalAutoCheckpointPages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(BusyTimeout, TimeSpan.Zero);
    }
}
