using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Simulator.Media;

/// <summary>
/// The media host (docs/PROTOCOL.md §12): HTTPS on loopback with the simulator's certificate made at start-up, the host <c>media_conn</c> names.
/// <list type="bullet">
/// <item><c>POST /mms/{type}/{token}?auth=…&amp;token=…</c>: the body (<c>enc || mac</c>) is stored when <c>auth</c> was issued by
/// media_conn (401 otherwise) and <c>token == base64url(SHA256(body))</c>, padded or not (400 otherwise: the client's
/// fileEncSha256 does not match what arrived). Answer <c>{"url", "direct_path"}</c>.</item>
/// <item><c>GET {direct_path}</c> (also the <c>url</c>): the stored bytes (Range requests served), 404 unknown.</item>
/// </list>
/// Separate from the chat/admin host so its TLS endpoint does not change how that one binds.
/// </summary>
internal sealed partial class MediaServer(TimeProvider clock, ILoggerFactory loggerFactory, X509Certificate2 certificate) : IAsyncDisposable
{
    /// <summary>Largest upload accepted (WhatsApp's own limit for documents is about 2 GB; tests need far less).</summary>
    public const long MaxUploadBytes = 128L * 1024 * 1024;

    /// <summary>mms upload types served (BL MEDIA_PATH_MAP: stickers and link thumbnails go to image, history to md-app-state).</summary>
    public static readonly IReadOnlySet<string> UploadTypes = new HashSet<string>(StringComparer.Ordinal) { "image", "video", "audio", "document", "md-app-state" };

    private readonly ILogger _logger = loggerFactory.CreateLogger<MediaServer>();
    private WebApplication? _app;

    public MediaStore Store { get; } = new(clock);

    /// <summary>The TLS certificate: the simulator's own (<see cref="TlsCertificate"/>), owned by the simulator.</summary>
    public X509Certificate2 Certificate { get; } = certificate;

    /// <summary><c>host:port</c> as media_conn's <c>&lt;host hostname&gt;</c> names it; null before <see cref="StartAsync"/>.</summary>
    public string? Hostname { get; private set; }

    /// <summary><c>https://127.0.0.1:port</c>; null before <see cref="StartAsync"/>.</summary>
    public string? BaseUrl => Hostname is null ? null : "https://" + Hostname;

    /// <summary>Binds a free loopback port with the certificate and serves the routes.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("The media host runs already.");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, OwnerLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxUploadBytes;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(Certificate);
            });
        });
        var app = builder.Build();
        app.MapPost("/mms/{type}/{token}", UploadAsync);
        app.MapGet("/v/{**path}", (HttpContext context) => Download(context));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no media listen address.");
        Hostname = new Uri(address).Authority;
    }

    private async Task<IResult> UploadAsync(string type, string token, HttpContext context)
    {
        if (!UploadTypes.Contains(type))
        {
            return Results.Problem(statusCode: 404, title: "Unknown media type", detail: $"'{type}' is not an mms upload type.");
        }

        if (!Store.IsValidAuth(context.Request.Query["auth"]))
        {
            LogRefused(_logger, type, "auth not issued by media_conn or expired");
            return Results.Problem(statusCode: 401, title: "Bad auth", detail: "auth is not a token issued by media_conn, or it expired.");
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        var content = body.ToArray();
        var hash = MediaStore.Base64Url(SHA256.HashData(content));
        var queryToken = context.Request.Query["token"].ToString();
        if (content.Length == 0 || hash != Unpad(token) || (queryToken.Length > 0 && hash != Unpad(queryToken)))
        {
            LogRefused(_logger, type, "token is not base64url(SHA256(body))");
            return Results.Problem(statusCode: 400, title: "Hash mismatch", detail: "token must be base64url(SHA-256 of the uploaded bytes) (fileEncSha256).");
        }

        var blob = Store.Add(type, content);
        LogStored(_logger, type, content.Length, blob.DirectPath);
        return Results.Json(new Dictionary<string, string> { ["url"] = BaseUrl + blob.DirectPath, ["direct_path"] = blob.DirectPath });
    }

    private IResult Download(HttpContext context)
    {
        var blob = Store.Find(context.Request.Path.Value ?? "");
        return blob is null
            ? Results.Problem(statusCode: 404, title: "Not found", detail: "No media at this path.")
            : Results.Bytes(blob.Content, "application/octet-stream", enableRangeProcessing: true);
    }

    private static string Unpad(string token) => token.TrimEnd('=');

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Media upload ({Type}) refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string type, string reason);

    [LoggerMessage(EventId = 501, Level = LogLevel.Debug, Message = "Media upload ({Type}, {Length} bytes) stored at {DirectPath}")]
    private static partial void LogStored(ILogger logger, string type, int length, string directPath);
}
