using System.Collections.Concurrent;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.E2E;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// A received file from WhatsApp's media hosts as a session (docs/PROTOCOL.md §12): the hosts its media_conn answer
/// names (shared with uploads, kept to their ttl), then <paramref name="fallbackHosts"/> (in production
/// <see cref="MediaDownloader.ProductionHost"/>), and the download itself. A session that cannot ask media_conn (not
/// connected) still downloads from the fallback hosts: a download needs no auth.
/// </summary>
/// <remarks>
/// When the hosts no longer have the file (404/410) and the caller names the message (<see cref="MediaRetryTarget"/>),
/// the session asks the sender to upload it again (media retry, docs/PROTOCOL.md §12) and the file is downloaded once
/// more from the new direct path. The new path is kept in memory on this node (at most <see cref="RememberedPaths"/>
/// messages, for the process's life) so later downloads of the same message go there first; it is not persisted:
/// the journal's message event keeps the path the message came with, and a download after a restart retries again.
/// </remarks>
/// <param name="ask">Asks the session (the node's shard region) and returns its reply.</param>
/// <param name="askWithin">Asks the session waiting at most the given time: the media retry waits longer than an ordinary ask. Default: <paramref name="ask"/>.</param>
/// <param name="retryWait">How long a media retry waits for the sender's answer; default <see cref="DefaultRetryWait"/>.</param>
public sealed class MediaDownloads(
    MediaDownloader downloader,
    Func<IWithSessionId, CancellationToken, Task<Reply>> ask,
    IReadOnlyList<string> fallbackHosts,
    long maxBytes = MediaDownloader.DefaultMaxBytes,
    Func<IWithSessionId, TimeSpan, CancellationToken, Task<Reply>>? askWithin = null,
    TimeSpan? retryWait = null)
{
    /// <summary>
    /// Default 30 s: the sender's phone must be online, decrypt the request and upload the file again, which takes
    /// seconds for a photo and longer for a large video on a phone's network; Baileys' updateMediaMessage waits without
    /// a bound of its own, and 30 s stays under common HTTP client timeouts.
    /// </summary>
    public static readonly TimeSpan DefaultRetryWait = TimeSpan.FromSeconds(30);

    /// <summary>How many re-uploaded paths are remembered before the memory is cleared.</summary>
    public const int RememberedPaths = 4096;

    /// <summary>The ask for a retry waits this much longer than the session's own wait, so the session's answer (a timeout too) arrives first.</summary>
    private static readonly TimeSpan AskMargin = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(SessionId Session, string MessageId), string> _retriedPaths = new();
    private readonly TimeSpan _retryWait = retryWait ?? DefaultRetryWait;

    /// <summary>
    /// Downloads and decrypts <paramref name="media"/> as <paramref name="session"/>; when the hosts no longer have it, asks
    /// the sender of <paramref name="message"/> to upload it again and downloads it from the new path. Dispose the result.
    /// </summary>
    /// <exception cref="MediaDownloadException">As the other overload, and RetryRefused or RetryFailed when the media retry brought no file.</exception>
    public async Task<DownloadedMedia> DownloadAsync(SessionId session, MediaDescriptor media, MediaRetryTarget message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(media);
        ArgumentNullException.ThrowIfNull(message);
        var key = (session, message.MessageId);
        var known = _retriedPaths.TryGetValue(key, out var path) ? media with { DirectPath = path, Url = null } : media;
        try
        {
            return await DownloadAsync(session, known, cancellationToken).ConfigureAwait(false);
        }
        catch (MediaDownloadException e) when (e.Failure == MediaDownloadFailure.NotFound)
        {
            var newPath = await RetryAsync(session, media, message, e, cancellationToken).ConfigureAwait(false);
            if (_retriedPaths.Count >= RememberedPaths)
            {
                _retriedPaths.Clear();
            }

            _retriedPaths[key] = newPath;
            try
            {
                return await DownloadAsync(session, media with { DirectPath = newPath, Url = null }, cancellationToken).ConfigureAwait(false);
            }
            catch (MediaDownloadException again) when (again.Failure == MediaDownloadFailure.NotFound)
            {
                throw new MediaDownloadException(MediaDownloadFailure.RetryFailed, "the sender uploaded the file again but the new path does not serve it", again);
            }
        }
    }

    /// <summary>Asks the session for a media retry; the new direct path, or the typed failure.</summary>
    private async Task<string> RetryAsync(SessionId session, MediaDescriptor media, MediaRetryTarget message, MediaDownloadException gone, CancellationToken cancellationToken)
    {
        var command = new RequestMediaRetry(session, message, media.MediaKey, _retryWait);
        var reply = askWithin is null
            ? await ask(command, cancellationToken).ConfigureAwait(false)
            : await askWithin(command, _retryWait + AskMargin, cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            MediaRetried retried => retried.DirectPath,
            MediaRetryRefused { Reason: MediaRetryRefusal.NotConnected } => throw gone,
            MediaRetryRefused { Reason: MediaRetryRefusal.SenderNotFound or MediaRetryRefusal.TimedOut } refused =>
                throw new MediaDownloadException(MediaDownloadFailure.RetryRefused, $"the media hosts no longer have the file and the sender did not upload it again ({refused.Reason}: {refused.Detail})", gone),
            MediaRetryRefused refused =>
                throw new MediaDownloadException(MediaDownloadFailure.RetryFailed, $"the media retry failed ({refused.Reason}: {refused.Detail})", gone),
            NotFound or Unavailable => throw gone,
            var other => throw new InvalidOperationException($"Unexpected reply to RequestMediaRetry: {other.GetType().Name}."),
        };
    }

    /// <summary>Downloads and decrypts the file <paramref name="message"/> carries, as <paramref name="session"/>. Dispose the result.</summary>
    /// <exception cref="MediaDownloadException">No file in the message, no host, not found, too large, tampered, or every host failed.</exception>
    public Task<DownloadedMedia> DownloadAsync(SessionId session, Message message, CancellationToken cancellationToken) =>
        DownloadAsync(session, ReceivedMedia.Find(message) ?? throw new MediaDownloadException(MediaDownloadFailure.NoMedia, "the message carries no file"), cancellationToken);

    /// <summary>Downloads and decrypts <paramref name="media"/> as <paramref name="session"/>. Dispose the result.</summary>
    /// <exception cref="MediaDownloadException">No file, no host, not found, too large, tampered, or every host failed.</exception>
    public async Task<DownloadedMedia> DownloadAsync(SessionId session, MediaDescriptor media, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(media);
        var (hosts, why) = await HostsAsync(session, cancellationToken).ConfigureAwait(false);
        if (hosts.Count == 0)
        {
            throw new MediaDownloadException(MediaDownloadFailure.NoHosts, $"no media host to download from: {why}");
        }

        return await downloader.DownloadAsync(media, hosts, maxBytes, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(IReadOnlyList<string> Hosts, string Why)> HostsAsync(SessionId session, CancellationToken cancellationToken)
    {
        var reply = await ask(new RequestMediaConnection(session), cancellationToken).ConfigureAwait(false);
        return reply switch
        {
            MediaConnectionReady ready => ([.. ready.Connection.Hosts, .. fallbackHosts.Where(f => !ready.Connection.Hosts.Contains(f, StringComparer.OrdinalIgnoreCase))], ""),
            MediaRefused refused => (fallbackHosts, $"the session names none ({refused.Reason}: {refused.Detail})"),
            NotFound => (fallbackHosts, $"no session '{session}'"),
            Unavailable => (fallbackHosts, "the session cannot open its stored secrets"),
            var other => throw new InvalidOperationException($"Unexpected reply to RequestMediaConnection: {other.GetType().Name}."),
        };
    }
}
