namespace SessionCluster.Sessions.Connection;

/// <summary>What went wrong at the proxy, as an operator would act on it.</summary>
public enum ProxyFailure
{
    /// <summary>No TCP connection to the proxy (refused, unreachable, name not resolved).</summary>
    Unreachable,

    /// <summary>The proxy wants credentials we do not have, or rejected the ones we sent.</summary>
    AuthenticationFailed,

    /// <summary>The proxy refused the tunnel (a rule, a general failure, an HTTP status other than 2xx).</summary>
    Refused,

    /// <summary>The proxy could not reach the server (SOCKS5 network/host unreachable or connection refused; HTTP 502/504).</summary>
    TargetUnreachable,

    /// <summary>The proxy closed the connection or answered something that is not its protocol.</summary>
    ProtocolError,
}

/// <summary>
/// The tunnel through a proxy could not be opened. The message names the proxy (kind and host:port) and what failed; it
/// never holds the password.
/// </summary>
public sealed class ProxyException(ProxySettings proxy, ProxyFailure failure, string what, Exception? inner = null)
    : IOException(Describe(proxy, what), inner)
{
    public ProxyFailure Failure { get; } = failure;

    /// <summary>The proxy's <c>host:port</c>.</summary>
    public string Endpoint { get; } = proxy.Endpoint;

    /// <summary><c>SOCKS5 proxy host:port: what</c>: the one wording every proxy failure uses.</summary>
    public static string Describe(ProxySettings proxy, string what) =>
        $"{(proxy.Kind == ProxyKind.Socks5 ? "SOCKS5" : "HTTP CONNECT")} proxy {proxy.Endpoint}: {what}";
}
