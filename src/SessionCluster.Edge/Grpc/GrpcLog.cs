using Microsoft.Extensions.Logging;

namespace SessionCluster.Edge.Grpc;

/// <summary>The gRPC API's log lines, EventIds 7300-7399. None carries a key, a QR or message content.</summary>
internal static partial class GrpcLog
{
    [LoggerMessage(EventId = 7300, Level = LogLevel.Warning, Message = "gRPC {Method}: a session did not answer within {TimeoutSeconds} s; answered UNAVAILABLE with retry after {RetrySeconds} s")]
    public static partial void SessionTimedOut(ILogger logger, string method, double timeoutSeconds, double retrySeconds);

    [LoggerMessage(EventId = 7301, Level = LogLevel.Debug, Message = "gRPC Events.Subscribe started for tenant {Tenant}: {Sessions} sessions named, {Types} types")]
    public static partial void SubscribeStarted(ILogger logger, string tenant, int sessions, int types);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Debug, Message = "gRPC Events.Subscribe of tenant {Tenant} ended by the client after {Events} events")]
    public static partial void SubscribeEnded(ILogger logger, string tenant, long events);
}
