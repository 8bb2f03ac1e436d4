using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace SessionCluster.Edge.Tests.Media;

/// <summary>
/// A real HTTP server on loopback (Kestrel, a free port) serving what the media fetcher's tests download: a file, a
/// named file, big bodies with and without Content-Length, a 404, redirect chains, a redirect to anywhere, a stall before the answer and one half-way through the body, a connection that breaks off, and blobs a test
/// registers (<see cref="Serve"/>).
/// It counts the requests it gets, so a test can tell that a refusal happened before any connection.
/// </summary>
internal sealed class MediaSource : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private MediaSource(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The bytes of <c>/files/report.pdf</c> and <c>/named</c>: 300 KB, more than one read buffer.</summary>
    public static byte[] File { get; } = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 31 % 251)).ToArray();

    public int Port { get; }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (byte[] Bytes, string ContentType)> _blobs = new(StringComparer.Ordinal);

    /// <summary>Serves <paramref name="bytes"/> as <paramref name="contentType"/> at <c>/blobs/{name}</c> from now on; its URL.</summary>
    public Uri Serve(string name, byte[] bytes, string contentType)
    {
        _blobs[name] = (bytes, contentType);
        return Url("/blobs/" + name);
    }

    public int Requests => Volatile.Read(ref _requests);

    public Uri Url(string pathAndQuery, string host = "127.0.0.1") => new($"http://{host}:{Port}{pathAndQuery}");

    public static async Task<MediaSource> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        MediaSource? source = null;
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref source!._requests);
            return next(context);
        });
        app.MapGet("/files/{name}", () => Results.Bytes(File, "application/pdf; qs=0.9"));
        app.MapGet("/named", (HttpContext context) =>
        {
            context.Response.Headers[HeaderNames.ContentDisposition] = "attachment; filename=\"photo.jpg\"";
            return Results.Bytes(File, "image/jpeg");
        });
        app.MapGet("/sized/{bytes:int}", (int bytes) => Results.Bytes(new byte[bytes], "application/octet-stream"));
        app.MapGet("/chunked/{bytes:int}", async (HttpContext context, int bytes) =>
        {
            // No Content-Length: Kestrel sends it chunked, and only counting tells the size.
            context.Response.ContentType = "application/octet-stream";
            var piece = new byte[8192];
            for (var sent = 0; sent < bytes && !context.RequestAborted.IsCancellationRequested; sent += piece.Length)
            {
                await context.Response.Body.WriteAsync(piece.AsMemory(0, Math.Min(piece.Length, bytes - sent)), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        app.MapGet("/missing", () => Results.NotFound());
        app.MapGet("/blobs/{name}", (string name) => source!._blobs.TryGetValue(name, out var blob) ? Results.Bytes(blob.Bytes, blob.ContentType) : Results.NotFound());
        app.MapGet("/hop/{left:int}", (int left) => left == 0 ? Results.Bytes(File, "application/pdf") : Results.Redirect($"/hop/{left - 1}"));
        app.MapGet("/redirect", (string to) => Results.Redirect(to));
        app.MapGet("/stall", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            return Results.Bytes(File);
        });
        app.MapGet("/stall-midway", async (HttpContext context) =>
        {
            context.Response.ContentLength = File.Length;
            await context.Response.Body.WriteAsync(File.AsMemory(0, 1000), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        });
        app.MapGet("/break-midway", async (HttpContext context) =>
        {
            context.Response.ContentLength = File.Length;
            await context.Response.Body.WriteAsync(File.AsMemory(0, 1000), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            context.Abort();
        });
        await app.StartAsync();
        source = new MediaSource(app, new Uri(app.Urls.Single()).Port);
        return source;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
