using SessionCluster.Persistence.Store;

namespace SessionCluster.Persistence.Schema;

/// <summary>
/// Why a SQL store refused an append, worked out from what the tables say about the persistence id. The fast paths
/// only learn "this write did not advance the persistence id"; this turns it into the precise
/// <see cref="WriteRejection"/> the caller gets.
/// </summary>
internal static class WriteRejections
{
    /// <param name="write">The refused write.</param>
    /// <param name="currentWriter">The persistence id's current claimant, null when it was never claimed.</param>
    /// <param name="highest">The highest sequence number stored for it.</param>
    public static Exception Diagnose(AtomicWrite write, string? currentWriter, long highest)
    {
        if (currentWriter != write.WriterId)
        {
            return FencedOut(write);
        }

        if (write.LowestSequenceNr <= highest)
        {
            return new JournalWriteRejectedException(write.PersistenceId, write.LowestSequenceNr, write.WriterId, WriteRejection.SequenceNrTaken);
        }

        return new InvalidOperationException(
            $"The write of '{write.PersistenceId}' from {write.LowestSequenceNr} by its claimant did not advance the highest sequence number {highest}; the store's gate is inconsistent.");
    }

    /// <summary>The writer held the claim once and another writer has claimed the id since.</summary>
    public static JournalWriteRejectedException FencedOut(AtomicWrite write) =>
        new(write.PersistenceId, write.LowestSequenceNr, write.WriterId, WriteRejection.FencedOut);
}
