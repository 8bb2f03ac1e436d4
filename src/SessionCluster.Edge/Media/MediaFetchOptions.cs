namespace SessionCluster.Edge.Media;

/// <summary>
/// How the node downloads media an API caller names by URL ("send by link"), bound from <c>SC:Edge:Media</c>. The
/// download is the node fetching an address a caller chose, so every default leans to refusing: bounded size, bounded
/// time, public addresses only, few redirects.
/// </summary>
public sealed record MediaFetchOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "SC:Edge:Media";

    /// <summary>The largest <see cref="MaxBytes"/> accepted: 2 GiB, past which one download is a disk-filling risk, not a media file.</summary>
    public const long MaxBytesLimit = 2L * 1024 * 1024 * 1024;

    /// <summary>The most redirects <see cref="MaxRedirects"/> may allow; a longer chain is a loop or a trap.</summary>
    public const int MaxRedirectsLimit = 10;

    /// <summary>The longest <see cref="Timeout"/> accepted: 1 day (a download that long ties up a temp file and a socket).</summary>
    public static readonly TimeSpan TimeoutLimit = TimeSpan.FromDays(1);

    /// <summary>
    /// Default 100 MiB (104857600 bytes): the largest file one link may bring. WhatsApp accepts far larger documents,
    /// but 100 MB is what the product promises within bounded memory and disk; the file is counted as it streams to a
    /// temp file and the download stops at the first byte past this (or at once when Content-Length says more).
    /// From 1 to <see cref="MaxBytesLimit"/>.
    /// </summary>
    public long MaxBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>
    /// Default 60 s: the whole download, every redirect hop, DNS, connect and body included. 100 MB in 60 s needs about
    /// 14 Mbit/s from the source, which any CDN or object store gives; a source slower than that, or one that stalls,
    /// should not hold a send (and a temp file) open longer.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Default false: a URL whose host is, or resolves to, a non-public address is refused before any connection:
    /// loopback (127/8, ::1), RFC 1918 (10/8, 172.16/12, 192.168/16), link-local (169.254/16 with the cloud metadata
    /// address 169.254.169.254, fe80::/10), CGNAT 100.64/10, unique-local fc00::/7, 0.0.0.0/8, multicast and reserved
    /// ranges, and the IPv4-mapped and IPv4-embedding IPv6 forms of each (<see cref="PrivateAddresses"/>). Otherwise
    /// any caller could make the node read its own admin ports, the cloud metadata service or the internal network.
    /// Set true only where callers are trusted and the media sits on the private network.
    /// </summary>
    public bool AllowPrivateNetworks { get; init; }

    /// <summary>
    /// Default 3: redirects followed per download, each hop checked again (scheme and address). A CDN or a presigned
    /// object-store URL takes one or two; more is a misconfigured source or a loop. From 0 to <see cref="MaxRedirectsLimit"/>.
    /// </summary>
    public int MaxRedirects { get; init; } = 3;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting downloads cannot run with.</summary>
    public void Validate()
    {
        if (MaxBytes is < 1 or > MaxBytesLimit)
        {
            throw new ArgumentException($"{Section}:{nameof(MaxBytes)} must be from 1 to {MaxBytesLimit} (default 104857600, 100 MiB).");
        }

        if (Timeout <= TimeSpan.Zero || Timeout > TimeoutLimit)
        {
            throw new ArgumentException($"{Section}:{nameof(Timeout)} must be positive and at most 1.00:00:00 (default 00:01:00).");
        }

        if (MaxRedirects is < 0 or > MaxRedirectsLimit)
        {
            throw new ArgumentException($"{Section}:{nameof(MaxRedirects)} must be from 0 to {MaxRedirectsLimit} (default 3).");
        }
    }
}
