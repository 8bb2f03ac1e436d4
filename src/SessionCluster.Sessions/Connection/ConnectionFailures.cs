using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Sessions.Connection;

/// <summary>Maps what went wrong (an exception, and whether the connection had opened) to a <see cref="ConnectionLossReason"/>.</summary>
internal static class ConnectionFailures
{
    /// <summary>A failure while opening the WebSocket or during the Noise handshake.</summary>
    /// <param name="socketOpened">The WebSocket was open, so the failure is the handshake's.</param>
    public static (ConnectionLossReason Reason, string Detail) WhileConnecting(Exception e, bool socketOpened) => e switch
    {
        // A proxy's failure may come wrapped (by a caller's handler or the WebSocket's own exception): the innermost one says why.
        _ when Find<ProxyException>(e) is { } proxy => (ConnectionLossReason.Proxy, proxy.Message),
        NoiseCertificateException => (ConnectionLossReason.Certificate, "the server's Noise certificate did not verify: " + e.Message),
        NoiseHandshakeException or FrameFormatException or NoiseTransportException => (ConnectionLossReason.Handshake, "the Noise handshake failed: " + e.Message),
        _ when Has<AuthenticationException>(e) => (ConnectionLossReason.Tls, "the TLS handshake failed: " + Innermost(e).Message),
        OperationCanceledException when socketOpened => (ConnectionLossReason.Handshake, "the Noise handshake timed out"),
        OperationCanceledException => (ConnectionLossReason.Refused, "the WebSocket did not open in time"),
        _ when socketOpened => (ConnectionLossReason.Handshake, "the connection broke during the Noise handshake: " + Innermost(e).Message),
        _ => (ConnectionLossReason.Refused, "the WebSocket could not be opened: " + Innermost(e).Message),
    };

    /// <summary>A failure of the open connection's pipeline.</summary>
    public static (ConnectionLossReason Reason, string Detail) WhileOpen(Exception e) => e switch
    {
        FrameFormatException or NoiseTransportException or BinaryFormatException => (ConnectionLossReason.MalformedInput, e.Message),
        WebSocketException or IOException or SocketException => (ConnectionLossReason.ServerClosed, "the connection broke: " + Innermost(e).Message),
        // Anything else is a fault on our side of the pipeline; the connection cannot go on, and the cause travels with the loss.
        _ => (ConnectionLossReason.ServerClosed, $"the connection pipeline failed ({e.GetType().Name}): {e.Message}"),
    };

    /// <summary>The connect timeout fired before the proxy opened its tunnel: the proxy, not the server, is what hung.</summary>
    public static (ConnectionLossReason Reason, string Detail) ProxyTimedOut(ProxySettings proxy, TimeSpan timeout) =>
        (ConnectionLossReason.Proxy, ProxyException.Describe(proxy, $"no tunnel within the connect timeout ({timeout.TotalSeconds:0.###} s)"));

    private static bool Has<T>(Exception e)
        where T : Exception => Find<T>(e) is not null;

    private static T? Find<T>(Exception e)
        where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
