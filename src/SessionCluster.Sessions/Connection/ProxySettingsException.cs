namespace SessionCluster.Sessions.Connection;

/// <summary>What is wrong with a proxy setting.</summary>
public enum ProxySettingsError
{
    /// <summary>Not an absolute URI, or one with a path, query or fragment.</summary>
    Malformed,

    /// <summary>Neither <c>socks5://</c> nor <c>http://</c>.</summary>
    UnsupportedScheme,

    /// <summary>No host, or not a host name or IP address.</summary>
    BadHost,

    /// <summary>No port, or one outside 1–65535.</summary>
    BadPort,

    /// <summary>A password without a username, or credentials the proxy kind cannot carry.</summary>
    BadCredentials,
}

/// <summary>A proxy setting that cannot be used; the message says why and never repeats a password.</summary>
public sealed class ProxySettingsException(ProxySettingsError error, string message) : FormatException(message)
{
    public ProxySettingsError Error { get; } = error;
}
