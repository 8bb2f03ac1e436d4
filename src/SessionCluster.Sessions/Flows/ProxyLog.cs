using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// Log events of the session's proxy setting, EventIds 1260–1269 of the flows' hundred. A proxy is written as its
/// <c>ToString</c> (<c>socks5://user@host:port</c>): never its password.
/// </summary>
internal static partial class ProxyLog
{
    [LoggerMessage(EventId = 1260, Level = LogLevel.Information, Message = "Session {SessionId}: proxy set to {Proxy}; the next connection uses it.")]
    public static partial void ProxySet(ILogger logger, string sessionId, string proxy);
}
