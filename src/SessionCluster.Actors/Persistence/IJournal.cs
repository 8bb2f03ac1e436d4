namespace SessionCluster.Actors.Persistence;

/// <summary>
/// An append-only event log per persistence id. Implementations: <see cref="InMemoryJournal"/> (tests),
/// SQLite (the embedded default) and PostgreSQL in SessionCluster.Storage; one contract-test class runs
/// against all of them.
/// </summary>
/// <remarks>
/// One writer per persistence id: a writer first claims the id with a fresh writer id, and from then on
/// the journal rejects appends from any other (earlier) writer with <see cref="JournalWriteRejectedException"/>.
/// A second writer that did not claim, or that raced on the same sequence number, is rejected the same way
/// (the unique key on persistence id and sequence number). Every method is safe to call concurrently.
/// </remarks>
public interface IJournal : IAsyncDisposable
{
    /// <summary>
    /// Makes <paramref name="writerId"/> the only writer allowed to append to <paramref name="persistenceId"/>
    /// and returns the highest sequence number stored (0 if none; deleted events still count).
    /// </summary>
    ValueTask<long> ClaimAsync(string persistenceId, string writerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the write durably, all events or none, and completes only then. Throws
    /// <see cref="JournalWriteRejectedException"/> when the writer is not the current claimant or a sequence
    /// number is taken, and leaves the journal as it was.
    /// </summary>
    ValueTask AppendAsync(AtomicWrite write, CancellationToken cancellationToken = default);

    /// <summary>
    /// The stored events of <paramref name="persistenceId"/> from <paramref name="fromSequenceNr"/> to
    /// <paramref name="toSequenceNr"/> (inclusive) in order. A row whose checksum does not match throws
    /// <see cref="JournalCorruptionException"/> naming the persistence id and sequence number.
    /// </summary>
    IAsyncEnumerable<JournalEvent> ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, CancellationToken cancellationToken = default);

    /// <summary>The highest sequence number ever stored for <paramref name="persistenceId"/>, 0 if none.</summary>
    ValueTask<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the events up to <paramref name="toSequenceNr"/>; the highest sequence number is kept.</summary>
    ValueTask DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default);
}
