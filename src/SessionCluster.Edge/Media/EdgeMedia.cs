using Microsoft.Extensions.Logging;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Media;

/// <summary>
/// What sending files needs at the edge: the link downloader (SSRF-guarded, size-bounded) and the sessions' encrypt and
/// upload path. Made once by the node.
/// </summary>
public sealed class EdgeMedia : IDisposable
{
    internal EdgeMedia(MediaFetcher fetcher, MediaUploads uploads)
    {
        Fetcher = fetcher;
        Uploads = uploads;
    }

    internal MediaFetcher Fetcher { get; }

    internal MediaUploads Uploads { get; }

    /// <summary>The edge's media services with the link downloader <paramref name="options"/> describe (<c>SC:Edge:Media</c>).</summary>
    public static EdgeMedia Create(MediaFetchOptions options, MediaUploads uploads, ILoggerFactory loggers, TimeProvider clock) =>
        new(new MediaFetcher(options, loggers.CreateLogger<MediaFetcher>(), clock), uploads);

    public void Dispose() => Fetcher.Dispose();
}
