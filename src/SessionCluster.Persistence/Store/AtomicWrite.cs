namespace SessionCluster.Persistence.Store;

/// <summary>
/// Events of one persistence id that a store keeps all together or not at all: consecutive sequence numbers,
/// the first one above the highest stored, all written by <paramref name="WriterId"/>.
/// </summary>
/// <param name="Claim">
/// The writer has not written this persistence id through this node yet: the store makes it the claimant in the
/// same transaction, unless it was the claimant once and was displaced since (then it is fenced out).
/// </param>
internal sealed record AtomicWrite(string PersistenceId, string WriterId, IReadOnlyList<JournalEvent> Events, bool Claim = false)
{
    public long LowestSequenceNr => Events[0].SequenceNr;

    public long HighestSequenceNr => Events[^1].SequenceNr;

    /// <summary>Throws <see cref="ArgumentException"/> unless the events are non-empty, consecutive and all this write's.</summary>
    public void Validate()
    {
        if (Events.Count == 0)
        {
            throw new ArgumentException($"An atomic write for '{PersistenceId}' holds no events.");
        }

        for (var i = 0; i < Events.Count; i++)
        {
            var e = Events[i];
            if (e.PersistenceId != PersistenceId || e.WriterId != WriterId)
            {
                throw new ArgumentException($"Event {e.SequenceNr} of '{e.PersistenceId}' by '{e.WriterId}' does not belong to the write for '{PersistenceId}' by '{WriterId}'.");
            }

            if (e.SequenceNr != Events[0].SequenceNr + i || e.SequenceNr < 1)
            {
                throw new ArgumentException($"The events of '{PersistenceId}' are not consecutive from 1 or later (found {e.SequenceNr} at position {i}).");
            }
        }
    }
}
