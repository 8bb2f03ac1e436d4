using Microsoft.Extensions.Logging;

namespace SessionCluster.Persistence.Leases;

/// <summary>
/// The lease's log lines (event ids 5050–5069 of the persistence project's 5000–5099). Lease names and owners
/// (host:port#incarnation) are logged; the connection string never is.
/// </summary>
internal static partial class LeaseLog
{
    [LoggerMessage(EventId = 5050, Level = LogLevel.Information, Message = "Lease {Lease} acquired by {Owner} at epoch {Epoch}")]
    public static partial void Acquired(ILogger logger, string lease, string owner, long epoch);

    [LoggerMessage(EventId = 5051, Level = LogLevel.Debug, Message = "Lease {Lease} is held by another owner; {Owner} did not get it")]
    public static partial void NotAcquired(ILogger logger, string lease, string owner);

    [LoggerMessage(EventId = 5052, Level = LogLevel.Warning, Message = "Lease {Lease}: a renewal at epoch {Epoch} failed; it is given up in {RemainingMs} ms unless one succeeds")]
    public static partial void RenewFailed(ILogger logger, Exception exception, string lease, long epoch, long remainingMs);

    [LoggerMessage(EventId = 5053, Level = LogLevel.Error, Message = "Lease {Lease} at epoch {Epoch} is lost ({Cause}); its shard stops its entities")]
    public static partial void Lost(ILogger logger, Exception exception, string lease, long epoch, string cause);

    [LoggerMessage(EventId = 5054, Level = LogLevel.Information, Message = "Lease {Lease} at epoch {Epoch} released (it was still live: {WasLive})")]
    public static partial void Released(ILogger logger, string lease, long epoch, bool wasLive);

    [LoggerMessage(EventId = 5055, Level = LogLevel.Warning, Message = "Lease {Lease} at epoch {Epoch}: expiring the given-up lease failed; it expires by its TTL instead")]
    public static partial void GiveUpReleaseFailed(ILogger logger, Exception exception, string lease, long epoch);
}
