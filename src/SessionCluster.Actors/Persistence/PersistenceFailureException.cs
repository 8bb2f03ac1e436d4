namespace SessionCluster.Actors.Persistence;

/// <summary>
/// A persistent actor could not recover or could not persist, and stopped: it never runs ahead of what
/// the journal holds. <see cref="Exception.InnerException"/> is the journal's or the codec's error.
/// </summary>
public sealed class PersistenceFailureException(string persistenceId, long sequenceNr, string what, Exception inner)
    : Exception($"'{persistenceId}' stopped: {what} (sequence number {sequenceNr}).", inner)
{
    public string PersistenceId { get; } = persistenceId;

    public long SequenceNr { get; } = sequenceNr;
}
