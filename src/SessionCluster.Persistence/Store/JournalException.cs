namespace SessionCluster.Persistence.Store;

/// <summary>A journal or snapshot store failed for <see cref="PersistenceId"/>, at <see cref="SequenceNr"/> when known.</summary>
public abstract class JournalException(string persistenceId, long? sequenceNr, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string PersistenceId { get; } = persistenceId;

    public long? SequenceNr { get; } = sequenceNr;
}

/// <summary>Why a journal refused an <see cref="AtomicWrite"/>.</summary>
public enum WriteRejection
{
    /// <summary>Another writer claimed the persistence id after this one (fenced out).</summary>
    FencedOut,

    /// <summary>A sequence number of the write is already stored (a concurrent writer got there first).</summary>
    SequenceNrTaken,
}

/// <summary>The journal refused a write; nothing of it was stored.</summary>
public sealed class JournalWriteRejectedException(string persistenceId, long sequenceNr, string writerId, WriteRejection reason)
    : JournalException(persistenceId, sequenceNr, $"The journal rejected event {sequenceNr} of '{persistenceId}' by writer '{writerId}': {reason}.")
{
    public string WriterId { get; } = writerId;

    public WriteRejection Reason { get; } = reason;
}

/// <summary>A stored row did not match its checksum.</summary>
public sealed class JournalCorruptionException(string persistenceId, long sequenceNr, string what)
    : JournalException(persistenceId, sequenceNr, $"Event {sequenceNr} of '{persistenceId}' is corrupted: {what}.");

/// <summary>A stored event or snapshot could not be turned back into a value: unknown manifest or unreadable payload.</summary>
public sealed class EventDecodeException(string persistenceId, long sequenceNr, string manifest, Exception inner)
    : JournalException(persistenceId, sequenceNr, $"Event {sequenceNr} of '{persistenceId}' (manifest '{manifest}') cannot be decoded: {inner.Message}", inner)
{
    public string Manifest { get; } = manifest;
}
