using System.Net;
using SessionCluster.Protocol.Media;

namespace SessionCluster.Sessions;

/// <summary>
/// Downloads a received file from a media host and decrypts it (docs/PROTOCOL.md §12 "Download" and "Streaming a
/// download"): <c>GET https://{host}{directPath}&amp;hash={base64url(fileEncSha256)}&amp;mms-type={type}&amp;__wa-mms=</c>
/// (whatsmeow's shape; the simulator's host ignores the query), hosts tried in order. The body is decrypted as it
/// arrives into a temporary file that deletes itself on close, bounded by the announced length: the stream decryptor
/// hashes the blob as it goes, so keeping the ciphertext on disk as well would only double the writes. The caller gets
/// the plaintext only once every check passed; otherwise the file is gone before the exception is seen.
/// </summary>
/// <param name="http">A client from <see cref="MediaUploader.CreateHandler"/>: the node's TLS trust, no redirects.</param>
/// <param name="tempFolder">Where the temporary files go; default the system's temp folder.</param>
public sealed class MediaDownloader(HttpClient http, string? tempFolder = null)
{
    /// <summary>The largest file downloaded: what the node promises in bounded memory and disk, as for uploads.</summary>
    public const long DefaultMaxBytes = MediaUploads.MaxBytes;

    /// <summary>
    /// WhatsApp's production media host (Baileys downloads from it, docs/PROTOCOL.md §12), asked after the hosts media_conn
    /// names; not for a simulator.
    /// </summary>
    public const string ProductionHost = "mmg.whatsapp.net";

    /// <summary>AES-CBC adds 1 to 16 bytes of padding and the blob ends with a 10-byte MAC.</summary>
    private const long Overhead = 16 + 10;

    /// <summary>Downloads and decrypts <paramref name="media"/> from the first of <paramref name="hosts"/> (host[:port]) that has it.</summary>
    /// <param name="maxBytes">The largest plaintext taken.</param>
    /// <exception cref="MediaDownloadException">No file in the message, no host, not found, too large, tampered, or every host failed.</exception>
    public async Task<DownloadedMedia> DownloadAsync(MediaDescriptor media, IReadOnlyList<string> hosts, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(media);
        ArgumentNullException.ThrowIfNull(hosts);
        if (media.MediaKey.Length != 32 || PathOf(media) is not { } path)
        {
            throw new MediaDownloadException(MediaDownloadFailure.NoMedia, "the message names no media key or no path to download from");
        }

        if (media.FileLength > maxBytes)
        {
            throw new MediaDownloadException(MediaDownloadFailure.TooLarge, $"the file is {media.FileLength} bytes; the node takes up to {maxBytes}");
        }

        if (hosts.Count == 0)
        {
            throw new MediaDownloadException(MediaDownloadFailure.NoHosts, "there is no media host to download from");
        }

        // More than the announced length (plus padding and MAC) cannot be the file: stop reading there.
        var limit = (media.FileLength ?? maxBytes) + Overhead;
        var failures = new List<string>();
        var gone = 0;
        foreach (var host in hosts)
        {
            var uri = new Uri($"https://{host}{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}" +
                (media.FileEncSha256 is { } hash ? $"hash={Uri.EscapeDataString(Convert.ToBase64String(hash).Replace('+', '-').Replace('/', '_'))}&" : "") +
                $"mms-type={MediaKinds.MmsType(media.Kind)}&__wa-mms=");
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.TryAddWithoutValidation("Origin", "https://web.whatsapp.com");
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                failures.Add($"{host}: {e.HttpRequestError}");
                continue;
            }

            using (response)
            {
                if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
                {
                    gone++;
                    failures.Add($"{host}: HTTP {(int)response.StatusCode}");
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    failures.Add($"{host}: HTTP {(int)response.StatusCode}");
                    continue;
                }

                if (response.Content.Headers.ContentLength > limit)
                {
                    throw new MediaDownloadException(MediaDownloadFailure.TooLarge, $"{host} offers {response.Content.Headers.ContentLength} bytes; the message announced at most {limit}");
                }

                try
                {
                    return await DecryptAsync(media, response, limit, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is HttpRequestException or IOException)
                {
                    // The transfer broke off: what was written is gone with its file; the next host may serve it whole.
                    failures.Add($"{host}: the transfer broke off ({e.GetType().Name})");
                }
            }
        }

        var summary = string.Join("; ", failures);
        throw gone == failures.Count
            ? new MediaDownloadException(MediaDownloadFailure.NotFound, $"the media hosts no longer have the file ({summary})")
            : new MediaDownloadException(MediaDownloadFailure.HostsFailed, $"no media host served the file ({summary})");
    }

    private async Task<DownloadedMedia> DecryptAsync(MediaDescriptor media, HttpResponseMessage response, long limit, CancellationToken cancellationToken)
    {
        var file = Path.Combine(tempFolder ?? Path.GetTempPath(), "sc-media-in-" + Guid.NewGuid().ToString("N"));
        var plain = new FileStream(file, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var length = await MediaCipher.DecryptAsync(new LimitedReadStream(body, limit, () => new MediaLimitException()), media.MediaKey, media.Kind, plain,
                    new MediaHashes(media.FileEncSha256, media.FileSha256), cancellationToken).ConfigureAwait(false);
                await plain.FlushAsync(cancellationToken).ConfigureAwait(false);
                plain.Position = 0;
                return new DownloadedMedia(media, length, plain);
            }
        }
        catch (MediaIntegrityException e)
        {
            await plain.DisposeAsync().ConfigureAwait(false);
            throw new MediaDownloadException(MediaDownloadFailure.Integrity, $"the downloaded file failed its {e.Failure} check: tampered, corrupted or not the file the message names", e);
        }
        catch (MediaLimitException)
        {
            await plain.DisposeAsync().ConfigureAwait(false);
            throw new MediaDownloadException(MediaDownloadFailure.TooLarge, $"the host sent more than the message announced ({limit} bytes at most)");
        }
        catch
        {
            // Unverified plaintext never outlives a failure (docs/PROTOCOL.md §12 "Streaming a download").
            await plain.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The path to ask the hosts for: the direct path, else the path of the message's URL.</summary>
    private static string? PathOf(MediaDescriptor media) =>
        media.DirectPath.StartsWith('/') ? media.DirectPath
        : media.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps ? uri.PathAndQuery
        : null;

    /// <summary>Thrown by <see cref="LimitedReadStream"/>: an IOException to the decryptor, told apart from a broken transfer here.</summary>
    private sealed class MediaLimitException() : IOException("The media host sent more than the message announced.");
}
