using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SessionCluster.Edge.Media;

namespace SessionCluster.Edge.Tests.Media;

public sealed class MediaFetcherTests : IAsyncLifetime, IDisposable
{
    private static readonly MediaFetchOptions Trusting = new() { AllowPrivateNetworks = true };
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "sc-media-tests-" + Guid.NewGuid().ToString("N"));
    private readonly ListLogger _log = new();
    private MediaSource _source = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_temp);
        _source = await MediaSource.StartAsync();
    }

    public async Task DisposeAsync() => await _source.DisposeAsync();

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task A_file_downloads_byte_identical_with_its_content_type_and_file_name_and_its_temp_file_goes_on_dispose()
    {
        using var fetcher = Fetcher(Trusting);
        await using (var media = await fetcher.FetchAsync(_source.Url("/files/report.pdf?token=s3cret"), CancellationToken.None))
        {
            Assert.Equal(MediaSource.File.Length, media.Length);
            Assert.Equal("application/pdf", media.ContentType);
            Assert.Equal("report.pdf", media.FileName);
            Assert.Equal(0, media.Content.Position);
            using var copy = new MemoryStream();
            await media.Content.CopyToAsync(copy);
            Assert.Equal(MediaSource.File, copy.ToArray());
            Assert.Single(Directory.GetFiles(_temp));
        }

        Assert.Empty(Directory.GetFiles(_temp));
        var fetched = Assert.Single(_log.Entries);
        Assert.Equal(7600, fetched.Id.Id);
        Assert.DoesNotContain("s3cret", fetched.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_file_name_comes_from_content_disposition_before_the_url()
    {
        using var fetcher = Fetcher(Trusting);
        await using var media = await fetcher.FetchAsync(_source.Url("/named"), CancellationToken.None);
        Assert.Equal("photo.jpg", media.FileName);
        Assert.Equal("image/jpeg", media.ContentType);
    }

    [Fact]
    public async Task A_url_path_without_a_dot_and_no_content_disposition_gives_no_file_name()
    {
        using var fetcher = Fetcher(Trusting);
        await using var media = await fetcher.FetchAsync(_source.Url("/sized/10"), CancellationToken.None);
        Assert.Null(media.FileName);
        Assert.Equal(10, media.Length);
    }

    [Fact]
    public async Task Loopback_is_refused_as_a_private_address_by_default_before_any_request()
    {
        using var fetcher = new MediaFetcher(new MediaFetchOptions(), _log, TimeProvider.System, MediaNetwork.System, _temp);
        foreach (var host in new[] { "127.0.0.1", "localhost" })
        {
            var refused = await Assert.ThrowsAsync<MediaFetchException>(() => fetcher.FetchAsync(_source.Url("/files/report.pdf", host), CancellationToken.None));
            Assert.Equal(MediaFetchFailure.PrivateAddress, refused.Failure);
        }

        Assert.Equal(0, _source.Requests);
        Assert.All(_log.Entries, e => Assert.Equal(7601, e.Id.Id));
        Assert.Equal(2, _log.Entries.Count);
    }

    [Fact]
    public async Task Loopback_is_fetched_when_private_networks_are_allowed()
    {
        using var fetcher = Fetcher(Trusting);
        foreach (var host in new[] { "127.0.0.1", "localhost" })
        {
            await using var media = await fetcher.FetchAsync(_source.Url("/files/report.pdf", host), CancellationToken.None);
            Assert.Equal(MediaSource.File.Length, media.Length);
        }
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/iam/security-credentials/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("https://[fd00::1]:8443/file.pdf")]
    public async Task A_literal_private_address_is_refused_without_resolving_or_connecting(string url)
    {
        var network = new FakeNetwork(new Dictionary<string, IPAddress[]>(), _source.Port);
        using var fetcher = Fetcher(new MediaFetchOptions(), network.Network);
        var refused = await Assert.ThrowsAsync<MediaFetchException>(() => fetcher.FetchAsync(new Uri(url), CancellationToken.None));
        Assert.Equal(MediaFetchFailure.PrivateAddress, refused.Failure);
        Assert.Equal(0, network.Resolves);
        Assert.Empty(network.Connected);
    }

    [Fact]
    public async Task A_name_with_any_private_address_among_public_ones_is_refused_without_connecting()
    {
        var network = new FakeNetwork(new() { ["mixed.example"] = [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("10.0.0.7")] }, _source.Port);
        using var fetcher = Fetcher(new MediaFetchOptions(), network.Network);
        var refused = await Assert.ThrowsAsync<MediaFetchException>(() => fetcher.FetchAsync(new Uri("http://mixed.example/a.png"), CancellationToken.None));
        Assert.Equal(MediaFetchFailure.PrivateAddress, refused.Failure);
        Assert.Equal(1, network.Resolves);
        Assert.Empty(network.Connected);
        var entry = Assert.Single(_log.Entries);
        Assert.Contains("10.0.0.7", entry.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("10.0.0.7", refused.Message, StringComparison.Ordinal);
    }

    // The public host is a name the fake resolver gives a public address, whose connection the fake routes to the
    // loopback source; the redirect's target is then checked like the first hop and refused before a second connection.
    [Theory]
    [InlineData("http://internal.example/secret", "PrivateAddress")]
    [InlineData("http://127.0.0.1/secret", "PrivateAddress")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "PrivateAddress")]
    [InlineData("ftp://public.example/file.pdf", "BadUrl")]
    [InlineData("file:///etc/passwd", "BadUrl")]
    public async Task A_redirect_from_a_public_host_is_checked_again_and_refused(string target, string expected)
    {
        var network = new FakeNetwork(new()
        {
            ["public.example"] = [IPAddress.Parse("93.184.216.34")],
            ["internal.example"] = [IPAddress.Parse("10.1.2.3")],
        }, _source.Port);
        using var fetcher = Fetcher(new MediaFetchOptions(), network.Network);
        var url = _source.Url("/redirect?to=" + Uri.EscapeDataString(target), "public.example");
        var refused = await Assert.ThrowsAsync<MediaFetchException>(() => fetcher.FetchAsync(url, CancellationToken.None));
        Assert.Equal(Enum.Parse<MediaFetchFailure>(expected), refused.Failure);
        Assert.Equal([IPAddress.Parse("93.184.216.34")], network.Connected.Select(e => e.Address));
        Assert.Equal(1, _source.Requests);
    }

    [Fact]
    public async Task A_public_name_is_connected_to_at_the_address_it_was_checked_at()
    {
        var network = new FakeNetwork(new() { ["public.example"] = [IPAddress.Parse("93.184.216.34")] }, _source.Port);
        using var fetcher = Fetcher(new MediaFetchOptions(), network.Network);
        await using var media = await fetcher.FetchAsync(_source.Url("/files/report.pdf", "public.example"), CancellationToken.None);
        Assert.Equal(MediaSource.File.Length, media.Length);
        Assert.Equal([new IPEndPoint(IPAddress.Parse("93.184.216.34"), _source.Port)], network.Connected);
    }

    [Theory]
    [InlineData("ftp://example.com/file.pdf")]
    [InlineData("file:///etc/passwd")]
    [InlineData("files/report.pdf")]
    [InlineData("/files/report.pdf")]
    public async Task A_url_that_is_not_absolute_http_or_https_is_refused_as_bad(string url)
    {
        using var fetcher = Fetcher(new MediaFetchOptions());
        var refused = await Assert.ThrowsAsync<MediaFetchException>(() => fetcher.FetchAsync(new Uri(url, UriKind.RelativeOrAbsolute), CancellationToken.None));
        Assert.Equal(MediaFetchFailure.BadUrl, refused.Failure);
    }

    [Theory]
    [InlineData("/sized/200000")]
    [InlineData("/chunked/200000")]
    public async Task A_body_over_max_bytes_is_refused_as_too_large_and_leaves_no_temp_file(string path)
    {
        using var fetcher = Fetcher(Trusting with { MaxBytes = 65_536 });
        var refused = await Assert.ThrowsAsync<MediaFetchException>(() => fetcher.FetchAsync(_source.Url(path), CancellationToken.None));
        Assert.Equal(MediaFetchFailure.TooLarge, refused.Failure);
        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Theory]
    [InlineData("/sized/65536")]
    [InlineData("/chunked/65536")]
    public async Task A_body_of_exactly_max_bytes_is_fetched(string path)
    {
        using var fetcher = Fetcher(Trusting with { MaxBytes = 65_536 });
        await using var media = await fetcher.FetchAsync(_source.Url(path), CancellationToken.None);
        Assert.Equal(65_536, media.Length);
    }

    [Fact]
    public async Task A_404_is_an_http_status_failure_with_404_whose_message_and_log_hide_the_query()
    {
        using var fetcher = Fetcher(Trusting);
        var refused = await Assert.ThrowsAsync<MediaFetchException>(() => fetcher.FetchAsync(_source.Url("/missing?X-Amz-Signature=s3cret"), CancellationToken.None));
        Assert.Equal(MediaFetchFailure.HttpStatus, refused.Failure);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.DoesNotContain("s3cret", refused.Message, StringComparison.Ordinal);
        Assert.Contains("/missing", refused.Message, StringComparison.Ordinal);
        var entry = Assert.Single(_log.Entries);
        Assert.Equal(7602, entry.Id.Id);
        Assert.DoesNotContain("s3cret", entry.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirects_up_to_max_redirects_are_followed_and_one_more_is_too_many()
    {
        using var fetcher = Fetcher(Trusting with { MaxRedirects = 3 });
        await using (var media = await fetcher.FetchAsync(_source.Url("/hop/3"), CancellationToken.None))
        {
            Assert.Equal(MediaSource.File.Length, media.Length);
        }

        var refused = await Assert.ThrowsAsync<MediaFetchException>(() => fetcher.FetchAsync(_source.Url("/hop/4"), CancellationToken.None));
        Assert.Equal(MediaFetchFailure.TooManyRedirects, refused.Failure);
    }

    [Theory]
    [InlineData("/stall")]
    [InlineData("/stall-midway")]
    public async Task A_source_that_stalls_past_the_timeout_is_a_timeout_failure(string path)
    {
        using var fetcher = Fetcher(Trusting with { Timeout = TimeSpan.FromSeconds(1) });
        var watch = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<MediaFetchException>(() => fetcher.FetchAsync(_source.Url(path), CancellationToken.None));
        Assert.Equal(MediaFetchFailure.Timeout, refused.Failure);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public async Task A_caller_cancelling_is_a_cancellation_not_a_timeout()
    {
        using var fetcher = Fetcher(Trusting);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetcher.FetchAsync(_source.Url("/stall"), cancel.Token));
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task A_connection_that_breaks_off_mid_file_is_unreachable_and_leaves_no_temp_file()
    {
        using var fetcher = Fetcher(Trusting);
        var refused = await Assert.ThrowsAsync<MediaFetchException>(() => fetcher.FetchAsync(_source.Url("/break-midway"), CancellationToken.None));
        Assert.Equal(MediaFetchFailure.Unreachable, refused.Failure);
        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public async Task A_port_nobody_listens_on_is_unreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var fetcher = Fetcher(Trusting);
        var refused = await Assert.ThrowsAsync<MediaFetchException>(() => fetcher.FetchAsync(new Uri($"http://127.0.0.1:{port}/a.pdf"), CancellationToken.None));
        Assert.Equal(MediaFetchFailure.Unreachable, refused.Failure);
    }

    private MediaFetcher Fetcher(MediaFetchOptions options, MediaNetwork? network = null) =>
        new(options, _log, TimeProvider.System, network ?? MediaNetwork.System, _temp);

    /// <summary>
    /// A resolver from a fixed table and a connector that records the address it was asked for and then connects to the
    /// loopback source instead: a "public" host in front of a local server.
    /// </summary>
    private sealed class FakeNetwork(Dictionary<string, IPAddress[]> names, int sourcePort)
    {
        private int _resolves;

        public List<IPEndPoint> Connected { get; } = [];

        public int Resolves => _resolves;

        public MediaNetwork Network => new(
            (host, _) =>
            {
                Interlocked.Increment(ref _resolves);
                return Task.FromResult(names.TryGetValue(host, out var addresses) ? addresses : throw new SocketException((int)SocketError.HostNotFound));
            },
            (endpoint, ct) =>
            {
                lock (Connected)
                {
                    Connected.Add(endpoint);
                }

                return MediaNetwork.System.Connect(new IPEndPoint(IPAddress.Loopback, sourcePort), ct);
            });
    }
}
