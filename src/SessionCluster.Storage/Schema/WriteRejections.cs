using SessionCluster.Actors.Persistence;

namespace SessionCluster.Storage.Schema;

/// <summary>
/// Why a SQL journal refused an append, worked out from what the tables say about the persistence id. The
/// fast paths only learn "this write did not advance the persistence id"; this turns it into the precise
/// <see cref="WriteRejection"/> the caller gets (or the gap error, which is a bug in the caller).
/// </summary>
internal static class WriteRejections
{
    /// <param name="write">The refused write.</param>
    /// <param name="currentWriter">The persistence id's current claimant, null when it was never claimed.</param>
    /// <param name="highest">The highest sequence number stored for it.</param>
    /// <param name="writerEverClaimed">Whether <see cref="AtomicWrite.WriterId"/> claimed this persistence id at some point.</param>
    public static Exception Diagnose(AtomicWrite write, string? currentWriter, long highest, bool writerEverClaimed)
    {
        if (currentWriter != write.WriterId)
        {
            return new JournalWriteRejectedException(
                write.PersistenceId, write.LowestSequenceNr, write.WriterId, writerEverClaimed ? WriteRejection.FencedOut : WriteRejection.NotClaimed);
        }

        if (write.LowestSequenceNr <= highest)
        {
            return new JournalWriteRejectedException(write.PersistenceId, write.LowestSequenceNr, write.WriterId, WriteRejection.SequenceNrTaken);
        }

        return Gap(write, highest);
    }

    /// <summary>The write does not start directly after the highest stored sequence number.</summary>
    public static InvalidOperationException Gap(AtomicWrite write, long highest) => new(
        $"The write of '{write.PersistenceId}' starts at {write.LowestSequenceNr}, but the highest stored sequence number is {highest}: sequence numbers must be gapless.");
}
