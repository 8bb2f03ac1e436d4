using System.Security.Cryptography;
using SessionCluster.Protocol.Media;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// A file from the caller to WhatsApp's media hosts as a session (docs/PROTOCOL.md §12): a fresh media key, the file
/// encrypted into a temporary file as it is read (bounded memory: the plaintext is never held whole), the session's
/// media_conn rights, the upload. Nothing about the file is kept once <see cref="UploadAsync"/> returns: the temporary
/// file deletes itself on close.
/// </summary>
/// <param name="ask">Asks the session (the node's shard region) and returns its reply.</param>
public sealed class MediaUploads(MediaUploader uploader, Func<IWithSessionId, CancellationToken, Task<Reply>> ask, TimeProvider clock)
{
    /// <summary>The largest file uploaded (WhatsApp's hosts take up to about 2 GB; 100 MiB is what this node promises in bounded memory).</summary>
    public const long MaxBytes = 100L * 1024 * 1024;

    /// <summary>Encrypts <paramref name="plain"/> (read once, to its end) as <paramref name="kind"/> and uploads it as <paramref name="session"/>.</summary>
    /// <exception cref="MediaUploadException">The session refused, no host took the file, or the file is empty or too large.</exception>
    public async Task<UploadedMedia> UploadAsync(SessionId session, MediaKind kind, Stream plain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plain);
        var mediaKey = RandomNumberGenerator.GetBytes(32);
        var keyTimestamp = clock.GetUtcNow();
        var path = Path.Combine(Path.GetTempPath(), "sc-media-" + Guid.NewGuid().ToString("N"));
        var encrypted = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await using (encrypted.ConfigureAwait(false))
        {
            var info = await MediaCipher.EncryptAsync(new LimitedReadStream(plain, MaxBytes, () => new MediaUploadException(MediaUploadFailure.BadFile, $"the file is larger than {MaxBytes} bytes")), mediaKey, kind, encrypted, cancellationToken).ConfigureAwait(false);
            if (info.PlainLength == 0)
            {
                throw new MediaUploadException(MediaUploadFailure.BadFile, "the file is empty");
            }

            await encrypted.FlushAsync(cancellationToken).ConfigureAwait(false);
            var connection = await ConnectionAsync(session, refresh: false, cancellationToken).ConfigureAwait(false);
            var stored = await uploader.UploadAsync(connection, kind, encrypted, info.FileEncSha256, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                // The host refused the cached auth (expired early, or revoked): ask once for new rights.
                connection = await ConnectionAsync(session, refresh: true, cancellationToken).ConfigureAwait(false);
                stored = await uploader.UploadAsync(connection, kind, encrypted, info.FileEncSha256, cancellationToken).ConfigureAwait(false)
                    ?? throw new MediaUploadException(MediaUploadFailure.HostsFailed, "the media hosts refused fresh upload rights");
            }

            return new UploadedMedia(kind, mediaKey, info, stored.Value.Url, stored.Value.DirectPath, keyTimestamp);
        }
    }

    private async Task<MediaConnection> ConnectionAsync(SessionId session, bool refresh, CancellationToken cancellationToken) =>
        await ask(new RequestMediaConnection(session, refresh), cancellationToken).ConfigureAwait(false) switch
        {
            MediaConnectionReady ready => ready.Connection,
            MediaRefused refused => throw new MediaUploadException(refused.Reason switch
            {
                MediaRefusal.NotLinked => MediaUploadFailure.NotLinked,
                MediaRefusal.Ended => MediaUploadFailure.Ended,
                MediaRefusal.NotConnected => MediaUploadFailure.NotConnected,
                _ => MediaUploadFailure.Unanswered,
            }, refused.Detail),
            NotFound => throw new MediaUploadException(MediaUploadFailure.NoSession, $"no session '{session}'"),
            Unavailable => throw new MediaUploadException(MediaUploadFailure.SessionUnavailable, "the session cannot open its stored secrets"),
            var other => throw new InvalidOperationException($"Unexpected reply to RequestMediaConnection: {other.GetType().Name}."),
        };
}
