namespace SessionCluster.Edge.Media;

/// <summary>Why a download by link failed; each value names what the caller has to change.</summary>
internal enum MediaFetchFailure
{
    /// <summary>Not an absolute http or https URL with a host (also a redirect to one).</summary>
    BadUrl,

    /// <summary>The host is, or resolves to, a loopback, private, link-local or otherwise non-public address.</summary>
    PrivateAddress,

    /// <summary>The file is larger than <see cref="MediaFetchOptions.MaxBytes"/>.</summary>
    TooLarge,

    /// <summary>The source answered with a status other than 2xx (or a redirect without a Location).</summary>
    HttpStatus,

    /// <summary>The download did not finish within <see cref="MediaFetchOptions.Timeout"/>.</summary>
    Timeout,

    /// <summary>The host does not resolve, refuses the connection, or the connection broke off mid-file.</summary>
    Unreachable,

    /// <summary>More redirects than <see cref="MediaFetchOptions.MaxRedirects"/>.</summary>
    TooManyRedirects,
}
