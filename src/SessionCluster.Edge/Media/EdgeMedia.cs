using Microsoft.Extensions.Logging;
using SessionCluster.Sessions;

namespace SessionCluster.Edge.Media;

/// <summary>
/// What files need at the edge: for sends, the link downloader (SSRF-guarded, size-bounded) and the sessions' encrypt
/// and upload path; for received files, the sessions' download and decrypt path. Made once by the node.
/// </summary>
public sealed class EdgeMedia : IDisposable
{
    internal EdgeMedia(MediaFetcher fetcher, MediaUploads uploads, MediaDownloads downloads, ILogger downloadLogger, IUploadStore? store = null)
    {
        Store = store;
        Fetcher = fetcher;
        Uploads = uploads;
        Downloads = downloads;
        DownloadLogger = downloadLogger;
    }

    internal MediaFetcher Fetcher { get; }

    /// <summary>Files callers uploaded to send later (<c>POST /v1/uploads</c>); null: uploads are not offered.</summary>
    internal IUploadStore? Store { get; }

    internal MediaUploads Uploads { get; }

    internal MediaDownloads Downloads { get; }

    /// <summary>Where downloads of received files are logged (<see cref="MediaDownloadLog"/>).</summary>
    internal ILogger DownloadLogger { get; }

    /// <summary>The edge's media services with the link downloader <paramref name="options"/> describe (<c>SC:Edge:Media</c>).</summary>
    public static EdgeMedia Create(MediaFetchOptions options, MediaUploads uploads, MediaDownloads downloads, ILoggerFactory loggers, TimeProvider clock, IUploadStore? store = null) =>
        new(new MediaFetcher(options, loggers.CreateLogger<MediaFetcher>(), clock), uploads, downloads, loggers.CreateLogger<MediaDownloads>(), store);

    public void Dispose() => Fetcher.Dispose();
}
