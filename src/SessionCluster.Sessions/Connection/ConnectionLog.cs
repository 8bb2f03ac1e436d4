using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Connection;

/// <summary>The connection's log lines (event ids 1100–1199). None carries key material or stanza content.</summary>
internal static partial class ConnectionLog
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "Connected to {Server}")]
    public static partial void Opened(ILogger logger, Uri server);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Connection to {Server} lost: {Reason} ({Detail})")]
    public static partial void Lost(ILogger logger, Uri server, ConnectionLossReason reason, string detail, Exception? cause);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Malformed input from {Server}, closing the connection: {Detail}")]
    public static partial void MalformedInput(ILogger logger, Uri server, string detail, Exception cause);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Debug, Message = "Releasing the connection to {Server} after its loss failed")]
    public static partial void ReleaseFailed(ILogger logger, Uri server, Exception cause);

    // The proxy goes in as its ToString (no password), not as the object a structured logger might take apart.
    [LoggerMessage(EventId = 1105, Level = LogLevel.Debug, Message = "Connecting to {Server} through the proxy {Proxy}")]
    public static partial void ConnectingThroughProxy(ILogger logger, Uri server, string proxy);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Debug, Message = "The TLS connection to {Server} keeps its OpenSSL buffers while idle (not Linux, or this runtime's SslStream internals differ)")]
    public static partial void TlsBuffersKept(ILogger logger, Uri server);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Error, Message = "The connection to {Server} failed on our side and stops")]
    public static partial void Faulted(ILogger logger, Uri server, Exception cause);
}
