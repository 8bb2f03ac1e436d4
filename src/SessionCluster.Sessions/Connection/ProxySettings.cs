using System.Globalization;
using System.Text;

namespace SessionCluster.Sessions.Connection;

/// <summary>The proxy protocols a session can tunnel its connection through.</summary>
public enum ProxyKind
{
    /// <summary>SOCKS5 (RFC 1928), with username/password authentication (RFC 1929) when credentials are given.</summary>
    Socks5,

    /// <summary>An HTTP proxy's <c>CONNECT</c> tunnel, with <c>Proxy-Authorization: Basic</c> when credentials are given.</summary>
    HttpConnect,
}

/// <summary>
/// One outbound proxy: the protocol, where it listens, and optional credentials. Immutable and validated when made, so a
/// <see cref="ProxySettings"/> that exists is one the tunnel can use. The password is a secret: <see cref="ToString"/>
/// (used by logs and the status view) shows <c>socks5://user@host:port</c>, never the password.
/// </summary>
public sealed record ProxySettings
{
    // RFC 1929 carries each of username and password behind a one-byte length.
    private const int MaxCredentialBytes = 255;

    /// <exception cref="ProxySettingsException">A value is out of range or the credentials cannot be sent by this kind.</exception>
    public ProxySettings(ProxyKind kind, string host, int port, string? username = null, string? password = null)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ProxySettingsException(ProxySettingsError.UnsupportedScheme, $"Unknown proxy kind {kind}.");
        }

        if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            throw new ProxySettingsException(ProxySettingsError.BadHost, "The proxy host is missing or not a host name or IP address.");
        }

        if (port is < 1 or > 65535)
        {
            throw new ProxySettingsException(ProxySettingsError.BadPort, $"The proxy port {port} is not in 1–65535.");
        }

        if (string.IsNullOrEmpty(username) && !string.IsNullOrEmpty(password))
        {
            throw new ProxySettingsException(ProxySettingsError.BadCredentials, "A proxy password needs a username.");
        }

        if (!string.IsNullOrEmpty(username))
        {
            if (kind == ProxyKind.Socks5 && (Encoding.UTF8.GetByteCount(username) > MaxCredentialBytes || Encoding.UTF8.GetByteCount(password ?? "") > MaxCredentialBytes))
            {
                throw new ProxySettingsException(ProxySettingsError.BadCredentials, $"SOCKS5 credentials are at most {MaxCredentialBytes} bytes each (RFC 1929).");
            }

            if (kind == ProxyKind.HttpConnect && username.Contains(':', StringComparison.Ordinal))
            {
                throw new ProxySettingsException(ProxySettingsError.BadCredentials, "An HTTP proxy username cannot contain ':' (Basic authentication, RFC 7617).");
            }
        }

        Kind = kind;
        // An IPv6 literal is kept without brackets; the URI form adds them back.
        Host = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        Port = port;
        Username = string.IsNullOrEmpty(username) ? null : username;
        Password = Username is null ? null : password ?? "";
    }

    public ProxyKind Kind { get; }

    public string Host { get; }

    public int Port { get; }

    public string? Username { get; }

    /// <summary>The secret half of the credentials; "" when only a username is given, null without credentials.</summary>
    public string? Password { get; }

    public bool HasCredentials => Username is not null;

    /// <summary>Where the proxy listens, as <c>host:port</c> (what failure messages name).</summary>
    public string Endpoint => $"{HostForUri}:{Port.ToString(CultureInfo.InvariantCulture)}";

    private string Scheme => Kind == ProxyKind.Socks5 ? "socks5" : "http";

    private string HostForUri => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;

    /// <summary>
    /// Reads <c>socks5://[user[:password]@]host:port</c> or <c>http://[user[:password]@]host:port</c> (user and password
    /// percent-encoded as in any URI). The port is required: proxies have no default worth guessing.
    /// </summary>
    /// <exception cref="ProxySettingsException">The text is not such a URI; the message never repeats the password.</exception>
    public static ProxySettings Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // The text may hold a password: no message below quotes it.
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri))
        {
            throw new ProxySettingsException(ProxySettingsError.Malformed, "The proxy is not an absolute URI like socks5://user:password@host:port.");
        }

        var kind = uri.Scheme switch
        {
            "socks5" => ProxyKind.Socks5,
            "http" => ProxyKind.HttpConnect,
            _ => throw new ProxySettingsException(ProxySettingsError.UnsupportedScheme, $"The proxy scheme {uri.Scheme}:// is not supported; use socks5:// or http://."),
        };
        if (uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new ProxySettingsException(ProxySettingsError.Malformed, "A proxy URI has no path, query or fragment.");
        }

        // Uri fills in 80 for http://; only a port written in the text counts.
        if (uri.IsDefaultPort && !HasExplicitPort(text, uri))
        {
            throw new ProxySettingsException(ProxySettingsError.BadPort, "The proxy URI has no port.");
        }

        string? username = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }

        return new ProxySettings(kind, uri.Host, uri.Port, username, password);
    }

    /// <summary>Like <see cref="Parse"/>, with the failure as a value.</summary>
    public static bool TryParse(string? text, out ProxySettings? proxy, out ProxySettingsException? error)
    {
        proxy = null;
        error = null;
        if (text is null)
        {
            error = new ProxySettingsException(ProxySettingsError.Malformed, "No proxy URI was given.");
            return false;
        }

        try
        {
            proxy = Parse(text);
            return true;
        }
        catch (ProxySettingsException e)
        {
            error = e;
            return false;
        }
    }

    /// <summary><c>socks5://user@host:port</c>: the password never shows.</summary>
    public override string ToString() =>
        $"{Scheme}://{(Username is null ? "" : Uri.EscapeDataString(Username) + "@")}{Endpoint}";

    private static bool HasExplicitPort(string text, Uri uri)
    {
        // After the authority's last '@' (user info may hold ':'), a ':' outside an IPv6 literal's brackets starts the port.
        var authority = text.Trim()[(uri.Scheme.Length + 3)..];
        var end = authority.IndexOfAny(['/', '?', '#']);
        authority = end < 0 ? authority : authority[..end];
        var hostPort = authority[(authority.LastIndexOf('@') + 1)..];
        var bracket = hostPort.LastIndexOf(']');
        return hostPort.IndexOf(':', bracket + 1) >= 0;
    }
}
