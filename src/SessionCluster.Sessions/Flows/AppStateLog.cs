using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.AppState;

namespace SessionCluster.Sessions.Flows;

/// <summary>What the session logs about app-state sync (never keys, indexes or values: only collections, versions and checks).</summary>
internal static partial class AppStateLog
{
    [LoggerMessage(EventId = 1850, Level = LogLevel.Information, Message = "Session {SessionId}: the phone shared {Count} app-state key(s); {Held} held.")]
    public static partial void KeysShared(ILogger logger, string sessionId, int count, int held);

    [LoggerMessage(EventId = 1851, Level = LogLevel.Information, Message = "Session {SessionId}: app state {Collection} synced to version {Version} ({Mutations} mutation(s), {Events} event(s)).")]
    public static partial void Synced(ILogger logger, string sessionId, string collection, ulong version, int mutations, int events);

    [LoggerMessage(EventId = 1852, Level = LogLevel.Warning, Message = "Session {SessionId}: app-state patch {Collection} version {Version} refused ({Failure}: {Detail}); the collection stays at version {Kept}.")]
    public static partial void Refused(ILogger logger, string sessionId, string collection, ulong version, AppStateFailure failure, string detail, ulong kept);

    [LoggerMessage(EventId = 1853, Level = LogLevel.Warning, Message = "Session {SessionId}: app state {Collection} waits at version {Version} ({Failure}: {Detail}).")]
    public static partial void Blocked(ILogger logger, string sessionId, string collection, ulong version, AppStateFailure failure, string detail);

    [LoggerMessage(EventId = 1854, Level = LogLevel.Warning, Message = "Session {SessionId}: app state fetch of {Collections} failed: {Outcome}.")]
    public static partial void FetchFailed(ILogger logger, string sessionId, string collections, string outcome);

    [LoggerMessage(EventId = 1855, Level = LogLevel.Information, Message = "Session {SessionId}: wrote app state {Collection} version {Version}.")]
    public static partial void Written(ILogger logger, string sessionId, string collection, ulong version);

    [LoggerMessage(EventId = 1856, Level = LogLevel.Warning, Message = "Session {SessionId}: app-state key share from {Device}, not the own phone, is ignored.")]
    public static partial void KeysNotOwn(ILogger logger, string sessionId, string device);

    [LoggerMessage(EventId = 1857, Level = LogLevel.Information, Message = "Session {SessionId}: app state {Collection} restored from a snapshot at version {Version} ({Records} record(s)).")]
    public static partial void SnapshotApplied(ILogger logger, string sessionId, string collection, ulong version, int records);

    [LoggerMessage(EventId = 1858, Level = LogLevel.Warning, Message = "Session {SessionId}: app-state snapshot {Collection} version {Version} refused ({Failure}: {Detail}); the collection stays at version {Kept}.")]
    public static partial void SnapshotRefused(ILogger logger, string sessionId, string collection, ulong version, AppStateFailure failure, string detail, ulong kept);

    [LoggerMessage(EventId = 1859, Level = LogLevel.Debug, Message = "Session {SessionId}: app-state snapshot {Collection} version {Version}, refused before, came back and is refused again.")]
    public static partial void SnapshotRefusedAgain(ILogger logger, string sessionId, string collection, ulong version);
}
