using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Edge.Media;

/// <summary>
/// Downloads the media an API caller names by URL into a temp file, bounded in size and time, from public addresses only.
/// </summary>
/// <remarks>
/// Why it is built this way. The URL is the caller's choice and the node fetches it from inside its network (SSRF):
/// <list type="bullet">
/// <item>The address check sits in the connection itself (<see cref="SocketsHttpHandler.ConnectCallback"/>): the host is
/// resolved once, refused when any of its addresses is not public, and the socket connects to an address from that same
/// answer. A check before the request and a second resolution by the handler could get two different answers (DNS
/// rebinding); one resolution cannot. Every new connection, so every redirect hop, passes through it.</item>
/// <item>No proxy (a proxy would make the connection go to the proxy, past the check), no HTTP/3 (QUIC does not use the
/// callback), no automatic redirects (each hop is checked for scheme and counted here), no decompression (the bytes
/// counted are the bytes stored).</item>
/// <item>The body streams to a temp file opened with <see cref="FileOptions.DeleteOnClose"/> and is counted as it comes:
/// memory stays at one buffer whatever the size, and the first byte past <see cref="MediaFetchOptions.MaxBytes"/> ends it.</item>
/// <item>A URL is only ever shown as scheme://host/path: a query string may hold a token.</item>
/// </list>
/// </remarks>
internal sealed class MediaFetcher : IDisposable
{
    private const int BufferSize = 81_920;
    private readonly MediaFetchOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly MediaNetwork _network;
    private readonly string _tempFolder;
    private readonly HttpClient _http;

    /// <summary>A fetcher over the machine's DNS and sockets, writing its temp files under <see cref="Path.GetTempPath"/>.</summary>
    public MediaFetcher(MediaFetchOptions options, ILogger<MediaFetcher> logger, TimeProvider clock)
        : this(options, logger, clock, MediaNetwork.System, Path.GetTempPath())
    {
    }

    internal MediaFetcher(MediaFetchOptions options, ILogger logger, TimeProvider clock, MediaNetwork network, string tempFolder)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger;
        _clock = clock;
        _network = network;
        _tempFolder = tempFolder;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            // A body refused half-way is not drained for reuse: the connection is closed at once.
            MaxResponseDrainSize = 0,
            // Names may move to other addresses; a pooled connection is not kept past a minute.
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        })
        {
            // FetchAsync bounds the whole download, redirects included, with its own timer.
            Timeout = global::System.Threading.Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("SessionCluster-Media", "1"));
    }

    /// <summary>
    /// Downloads <paramref name="url"/> (http or https, following at most <see cref="MediaFetchOptions.MaxRedirects"/>
    /// redirects) into a temp file the result owns. Throws <see cref="MediaFetchException"/> for every failure, logged once.
    /// </summary>
    public async Task<FetchedMedia> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var started = _clock.GetTimestamp();
        using var timeout = new CancellationTokenSource(_options.Timeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var (media, redirects) = await DownloadAsync(url, linked.Token).ConfigureAwait(false);
            MediaLog.Fetched(_logger, Shown(url), media.Length, media.ContentType, redirects, (long)_clock.GetElapsedTime(started).TotalMilliseconds);
            return media;
        }
        catch (MediaFetchException e)
        {
            Log(url, e);
            throw;
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var failure = new MediaFetchException(MediaFetchFailure.Timeout,
                $"{Shown(url)} did not download within {_options.Timeout.TotalSeconds:0.#} s; use a faster source or a smaller file.", inner: e);
            Log(url, failure);
            throw failure;
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<(FetchedMedia Media, int Redirects)> DownloadAsync(Uri url, CancellationToken cancellationToken)
    {
        var current = url;
        for (var redirects = 0; ; redirects++)
        {
            Vet(current, redirects > 0);
            // HTTP/1.1 at most, never upgraded: HTTP/3 runs over QUIC, whose connections do not pass through ConnectAsync.
            using var request = new HttpRequestMessage(HttpMethod.Get, current)
            {
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            };
            using var response = await SendAsync(request, current, cancellationToken).ConfigureAwait(false);
            if (IsRedirect(response.StatusCode))
            {
                if (redirects >= _options.MaxRedirects)
                {
                    throw new MediaFetchException(MediaFetchFailure.TooManyRedirects,
                        $"{Shown(url)} redirects more than {_options.MaxRedirects} times; give the file's final URL.");
                }

                var location = response.Headers.Location ?? throw new MediaFetchException(MediaFetchFailure.HttpStatus,
                    $"{Shown(current)} answered {(int)response.StatusCode} without a Location to go to.", response.StatusCode);
                current = location.IsAbsoluteUri ? location : new Uri(current, location);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new MediaFetchException(MediaFetchFailure.HttpStatus,
                    $"{Shown(current)} answered {(int)response.StatusCode} {response.ReasonPhrase}; the URL must serve the file to an anonymous GET.", response.StatusCode);
            }

            var media = await SaveAsync(response, current, url, cancellationToken).ConfigureAwait(false);
            return (media, redirects);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, Uri current, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (Refusal(e) is { } refused)
        {
            // ConnectAsync's refusal, wrapped by the handler: surface it as thrown.
            ExceptionDispatchInfo.Throw(refused);
            throw;
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MediaFetchException(MediaFetchFailure.Unreachable,
                $"{Shown(current)} could not be reached ({e.HttpRequestError}); check the host name and that it serves HTTP(S) to the internet.", inner: e);
        }
    }

    private async Task<FetchedMedia> SaveAsync(HttpResponseMessage response, Uri final, Uri original, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } announced && announced > _options.MaxBytes)
        {
            throw TooLarge(final, $"it announces {announced} bytes");
        }

        var file = new FileStream(Path.Combine(_tempFolder, $"sc-media-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, BufferSize, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                long total = 0;
                while (true)
                {
                    var read = await ReadAsync(body, buffer, final, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    total += read;
                    if (total > _options.MaxBytes)
                    {
                        throw TooLarge(final, "it sent more");
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Position = 0;
                return new FetchedMedia(file, total, response.Content.Headers.ContentType?.MediaType, FileNames.Of(response.Content.Headers.ContentDisposition, final, original));
            }
        }
        catch
        {
            // The temp file goes with the failure (DeleteOnClose); the exception goes on to the caller.
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask<int> ReadAsync(Stream body, byte[] buffer, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            return await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MediaFetchException(MediaFetchFailure.Unreachable,
                $"{Shown(url)} broke off the connection before the whole file arrived; try again or use a steadier source.", inner: e);
        }
    }

    /// <summary>
    /// The only way the handler opens a connection: resolve once, refuse if any address is not public, connect to one of
    /// those same addresses (so the address checked is the address used).
    /// </summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await _network.Resolve(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new MediaFetchException(MediaFetchFailure.Unreachable, $"{host} has no address; check the host name.");
        }

        if (!_options.AllowPrivateNetworks)
        {
            foreach (var address in addresses)
            {
                if (PrivateAddresses.IsPrivate(address))
                {
                    throw PrivateRefusal(host, address);
                }
            }
        }

        List<Exception>? failures = null;
        foreach (var address in addresses)
        {
            try
            {
                return await _network.Connect(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Kept and thrown together below when no address answers.
                (failures ??= []).Add(e);
            }
        }

        throw failures!.Count == 1 ? failures[0] : new AggregateException(failures);
    }

    /// <summary>Refuses what no connection should be tried for: a URL that is not http(s), or a literal non-public address.</summary>
    private void Vet(Uri url, bool redirected)
    {
        var shown = redirected ? "A redirect" : "The URL";
        if (!url.IsAbsoluteUri)
        {
            throw new MediaFetchException(MediaFetchFailure.BadUrl, $"{shown} must be absolute (http:// or https://).");
        }

        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            throw new MediaFetchException(MediaFetchFailure.BadUrl, $"{shown} uses {url.Scheme}://; only http:// and https:// are fetched.");
        }

        if (url.Host.Length == 0)
        {
            throw new MediaFetchException(MediaFetchFailure.BadUrl, $"{shown} has no host.");
        }

        if (!_options.AllowPrivateNetworks && IPAddress.TryParse(url.DnsSafeHost.Trim('[', ']'), out var literal) && PrivateAddresses.IsPrivate(literal))
        {
            throw PrivateRefusal(Shown(url), literal);
        }
    }

    private static MediaFetchException PrivateRefusal(string where, IPAddress address) =>
        new(MediaFetchFailure.PrivateAddress,
            $"{where} is, or resolves to, a loopback, private or link-local address; media can be fetched from public hosts only.")
        {
            RefusedAddress = address,
        };

    private MediaFetchException TooLarge(Uri url, string why) =>
        new(MediaFetchFailure.TooLarge, $"The file at {Shown(url)} is larger than the {_options.MaxBytes} bytes allowed ({why}); send a smaller file.");

    private static MediaFetchException? Refusal(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is MediaFetchException refused)
            {
                return refused;
            }
        }

        return null;
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private void Log(Uri url, MediaFetchException e)
    {
        if (e.Failure == MediaFetchFailure.PrivateAddress)
        {
            MediaLog.RefusedPrivate(_logger, Shown(url), e.RefusedAddress);
        }
        else
        {
            MediaLog.Failed(_logger, Shown(url), e.Failure, e.Message);
        }
    }

    /// <summary>scheme://host[:port]/path: what may be logged or shown of a URL (no user info, query or fragment).</summary>
    internal static string Shown(Uri url) => url.IsAbsoluteUri
        ? url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
        : "(a relative URL)";
}
