using Microsoft.Extensions.Logging;

namespace SessionCluster.Persistence;

/// <summary>
/// Every log line of the storage layer, source-generated, with stable event ids (5000–5099). No payload or
/// manifest is ever logged: events hold decrypted messages.
/// </summary>
internal static partial class PersistenceLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "{Engine}: applied migration {Version} ({Name}) in {ElapsedMs} ms")]
    public static partial void MigrationApplied(ILogger logger, string engine, int version, string name, long elapsedMs);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "{Engine}: the database has migration {Version}, which this build does not know; a newer build has run against it")]
    public static partial void UnknownMigration(ILogger logger, string engine, int version);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "{Engine}: journal opened at {Location}, schema version {Version}")]
    public static partial void Opened(ILogger logger, string engine, string location, int version);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Error, Message = "{Engine}: a write batch of {Requests} requests failed; each caller gets the error")]
    public static partial void BatchFailed(ILogger logger, Exception exception, string engine, int requests);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Critical, Message = "{Engine}: the writer loop stopped on an unexpected error; queued and later writes fail with it")]
    public static partial void WriterStopped(ILogger logger, Exception exception, string engine);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Debug, Message = "{Engine}: a batch of {Requests} requests was redone one by one after {Error}")]
    public static partial void BatchRedone(ILogger logger, string engine, int requests, string error);
}
