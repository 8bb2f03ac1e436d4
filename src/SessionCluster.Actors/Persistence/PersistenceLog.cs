using Microsoft.Extensions.Logging;

namespace SessionCluster.Actors.Persistence;

/// <summary>The persistence logs, with stable event ids (3000–3099). Never event contents: they hold message text and keys.</summary>
internal static partial class PersistenceLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "'{PersistenceId}' recovered: snapshot at {SnapshotSequenceNr}, {ReplayedEvents} events replayed, highest {HighestSequenceNr}, in {ElapsedMs:F1} ms")]
    public static partial void Recovered(ILogger logger, string persistenceId, long snapshotSequenceNr, long replayedEvents, long highestSequenceNr, double elapsedMs);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "'{PersistenceId}' failed to recover and stops")]
    public static partial void RecoveryFailed(ILogger logger, string persistenceId, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "'{PersistenceId}' failed to persist {Count} event(s) from sequence number {SequenceNr} and stops; its state stays at {LastSequenceNr}")]
    public static partial void PersistFailed(ILogger logger, string persistenceId, long sequenceNr, int count, long lastSequenceNr, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "'{PersistenceId}' could not save or prune at snapshot {SequenceNr}; the events stay and recovery replays them")]
    public static partial void SnapshotFailed(ILogger logger, string persistenceId, long sequenceNr, Exception exception);

}
