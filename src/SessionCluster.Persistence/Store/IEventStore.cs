namespace SessionCluster.Persistence.Store;

/// <summary>
/// An append-only event log per persistence id, below Akka: rows in, rows out. Implemented on SQLite
/// (<see cref="Sqlite.SqliteEventStore"/>; on PostgreSQL the node uses Akka.Persistence.Sql instead, see
/// docs/PERSISTENCE.md); the Akka journal plugin (<see cref="Journal.EventStoreJournal"/>) and read journal sit on top.
/// </summary>
/// <remarks>
/// <para><b>One writer per persistence id.</b> A write names its writer (Akka's per-incarnation writer guid, the shard
/// lease's epoch once the cluster has leases). The first write of a new writer claims the id in the same transaction
/// (<see cref="AtomicWrite.Claim"/>); from then on the store refuses writes of any earlier claimant with
/// <see cref="JournalWriteRejectedException"/> (<see cref="WriteRejection.FencedOut"/>), and a writer that was displaced
/// can never claim again. <c>UNIQUE (persistence_id, sequence_nr)</c> and the rule "a write starts above the highest
/// sequence number" refuse any write that would fork the history (<see cref="WriteRejection.SequenceNrTaken"/>).</para>
/// <para>Every method is safe to call concurrently.</para>
/// </remarks>
internal interface IEventStore
{
    /// <summary>
    /// Stores the write durably, all events or none, and completes only then. Throws
    /// <see cref="JournalWriteRejectedException"/> when the writer is fenced out or a sequence number is taken, and
    /// leaves the store as it was.
    /// </summary>
    Task AppendAsync(AtomicWrite write, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored events of <paramref name="persistenceId"/> from <paramref name="fromSequenceNr"/> to
    /// <paramref name="toSequenceNr"/> (inclusive) in order, at most <paramref name="max"/>. A row whose checksum
    /// does not match throws <see cref="JournalCorruptionException"/> naming the persistence id and sequence number.
    /// </summary>
    IAsyncEnumerable<JournalEvent> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max = long.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>The highest sequence number ever stored for <paramref name="persistenceId"/>, 0 if none.</summary>
    Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the events up to <paramref name="toSequenceNr"/>; the highest sequence number is kept.</summary>
    Task DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default);
}
