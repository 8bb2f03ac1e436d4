using SessionCluster.Protocol.Wa.E2E;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// A received file from WhatsApp's media hosts as a session (docs/PROTOCOL.md §12): the hosts its media_conn answer
/// names (shared with uploads, kept to their ttl), then <paramref name="fallbackHosts"/> (in production
/// <see cref="MediaDownloader.ProductionHost"/>), and the download itself. A session that cannot ask media_conn (not
/// connected) still downloads from the fallback hosts: a download needs no auth.
/// </summary>
/// <param name="ask">Asks the session (the node's shard region) and returns its reply.</param>
public sealed class MediaDownloads(MediaDownloader downloader, Func<IWithSessionId, CancellationToken, Task<Reply>> ask, IReadOnlyList<string> fallbackHosts, long maxBytes = MediaDownloader.DefaultMaxBytes)
{
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
