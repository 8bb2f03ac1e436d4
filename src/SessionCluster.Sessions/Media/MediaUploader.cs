using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SessionCluster.Protocol.Media;
using SessionCluster.Sessions.Connection;

namespace SessionCluster.Sessions;

/// <summary>
/// Uploads an encrypted file (<c>enc || mac</c>) to a media host (docs/PROTOCOL.md §12, whatsmeow upload.go):
/// <c>POST https://{host}/mms/{type}/{token}?auth={auth}&amp;token={token}</c> with <c>token = base64url(fileEncSha256)</c>
/// and <c>Origin: https://web.whatsapp.com</c>, answered <c>{"url", "direct_path"}</c>. Hosts are tried in the order
/// media_conn gave them; the body streams from the caller's seekable stream, rewound for each host.
/// </summary>
public sealed class MediaUploader(HttpClient http)
{
    /// <summary>
    /// The handler an uploader's client should use: the node's TLS trust (a simulator's pinned certificate, else the
    /// system's roots). Its lifetime is the node's.
    /// </summary>
    public static HttpMessageHandler CreateHandler(SessionServerSettings server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false };
        if (server.PinnedCertificate is { } pinned)
        {
            handler.SslOptions.CertificateChainPolicy = PinnedCertificate.TrustOnly(pinned);
        }

        return handler;
    }

    /// <summary>
    /// Uploads <paramref name="encrypted"/> (seekable, at the start of <c>enc || mac</c>) as <paramref name="kind"/>.
    /// Returns the host's <c>url</c> and <c>direct_path</c>, or <c>null</c> when a host refused the auth (401/403): the
    /// caller asks the session for fresh rights and tries again.
    /// </summary>
    /// <exception cref="MediaUploadException"><see cref="MediaUploadFailure.HostsFailed"/>: no host took the file.</exception>
    public async Task<(string Url, string DirectPath)?> UploadAsync(
        MediaConnection connection, MediaKind kind, Stream encrypted, ReadOnlyMemory<byte> fileEncSha256, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(encrypted);
        var token = Base64Url(fileEncSha256.Span);
        var failures = new List<string>();
        foreach (var host in connection.Hosts)
        {
            encrypted.Position = 0;
            var uri = new Uri($"https://{host}/mms/{MediaKinds.MmsType(kind)}/{token}?auth={Uri.EscapeDataString(connection.Auth)}&token={token}");
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StreamContent(new NonDisposingStream(encrypted)) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            request.Content.Headers.ContentLength = encrypted.Length;
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
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    return null;
                }

                if (!response.IsSuccessStatusCode)
                {
                    failures.Add($"{host}: HTTP {(int)response.StatusCode}");
                    continue;
                }

                var answer = await ReadAnswerAsync(response, cancellationToken).ConfigureAwait(false);
                if (answer is null)
                {
                    failures.Add($"{host}: an answer without url and direct_path");
                    continue;
                }

                return answer;
            }
        }

        throw new MediaUploadException(MediaUploadFailure.HostsFailed, "no media host took the file (" + string.Join("; ", failures) + ")");
    }

    private static async Task<(string Url, string DirectPath)?> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String
                && root.TryGetProperty("direct_path", out var path) && path.ValueKind == JsonValueKind.String
                && path.GetString() is { Length: > 0 } directPath
                ? (url.GetString()!, directPath)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>HttpClient disposes a request's content stream; the caller's temp file must outlive a failed host.</summary>
    private sealed class NonDisposingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException("The upload body is only read.");

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The upload body is only read.");
    }
}
