namespace SessionCluster.Actors.Persistence;

/// <summary>
/// One event as a journal stores it: already serialized, so journals never see the actor's types.
/// <paramref name="SequenceNr"/> starts at 1 and is gapless per <paramref name="PersistenceId"/>;
/// <paramref name="WriterId"/> is the incarnation that wrote it (see <see cref="IJournal.ClaimAsync"/>).
/// </summary>
public sealed record JournalEvent(
    string PersistenceId,
    long SequenceNr,
    string Manifest,
    ReadOnlyMemory<byte> Payload,
    string WriterId,
    DateTimeOffset Timestamp);
