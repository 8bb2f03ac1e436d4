using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Simulator;

/// <summary>
/// A running simulator: Kestrel serving the chat WebSocket (<c>/ws/chat</c>) and the admin API (<c>/admin</c>).
/// Tests embed it with <see cref="StartAsync"/> on a loopback port of the system's choosing. Under
/// <see cref="SimulatorOptions.Tls"/> a second, HTTPS listener serves the chat endpoint with the simulator's certificate
/// and the plain listeners refuse it; the admin API stays on the plain ones, where a client fetches the certificate to pin.
/// </summary>
/// <remarks>The host never listens to process signals (<see cref="OwnerLifetime"/>): its owner disposes it.</remarks>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SimulatorHost(WebApplication app, SimulatorServer server, string baseUrl, string? tlsBaseUrl)
    {
        _app = app;
        Server = server;
        WebSocketUrl = tlsBaseUrl is null
            ? baseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws/chat"
            : tlsBaseUrl.Replace("https://", "wss://", StringComparison.Ordinal) + "/ws/chat";
        AdminUrl = baseUrl + "/admin";
    }

    /// <summary>The URL a client connects to, e.g. <c>ws://127.0.0.1:5123/ws/chat</c> (<c>wss://…</c> under <see cref="SimulatorOptions.Tls"/>).</summary>
    public string WebSocketUrl { get; }

    /// <summary>The admin API's base URL, e.g. <c>http://127.0.0.1:5123/admin</c>.</summary>
    public string AdminUrl { get; }

    /// <summary>The media host (HTTPS, self-signed certificate made at start), e.g. <c>https://127.0.0.1:5124</c>; media_conn names it.</summary>
    public string MediaUrl => Server.Media.BaseUrl ?? throw new InvalidOperationException("The media host is not running.");

    /// <summary>The simulator's TLS certificate (no private key) as PEM: the media host's, and the chat endpoint's under <see cref="SimulatorOptions.Tls"/>.</summary>
    public string CertificatePem => TlsCertificate.ToPem(Server.Certificate);

    /// <summary>The 32-byte root public key clients must be told to trust.</summary>
    public ReadOnlyMemory<byte> RootPublicKey => Server.Authority.RootPublicKey;

    internal SimulatorServer Server { get; }

    /// <summary>Starts a simulator; <paramref name="configureLogging"/> defaults to no logging providers.</summary>
    public static async Task<SimulatorHost> StartAsync(
        SimulatorOptions? options = null,
        Action<ILoggingBuilder>? configureLogging = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new SimulatorOptions();
        var certificate = TlsCertificate.Generate(TimeProvider.System.GetUtcNow());
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        configureLogging?.Invoke(builder.Logging);
        if (options.Tls)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate));
            builder.WebHost.UseUrls([.. options.Urls, $"https://127.0.0.1:{options.TlsPort}"]);
        }
        else
        {
            builder.WebHost.UseUrls([.. options.Urls]);
        }

        builder.Services.AddSingleton<IHostLifetime, OwnerLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddProblemDetails();
        var app = builder.Build();

        var keys = options.DataFolder is null ? ServerKeys.Generate() : await ServerKeys.LoadOrCreateAsync(options.DataFolder, cancellationToken).ConfigureAwait(false);
        var server = new SimulatorServer(options, keys.Authority, keys.Static, certificate, app.Services.GetRequiredService<ILoggerFactory>(), TimeProvider.System);
        app.UseWebSockets();
        app.Map("/ws/chat", options.Tls ? context => AcceptOverTlsAsync(server, context) : server.AcceptAsync);
        AdminApi.Map(app, server);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await server.Media.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Kestrel could not bind (port in use, bad URL): release what was built, then report.
            await app.DisposeAsync().ConfigureAwait(false);
            certificate.Dispose();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("Kestrel reported no listen address.");
        var baseUrl = Loopback(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)));
        var tlsBaseUrl = options.Tls ? Loopback(addresses.First(a => a.StartsWith("https://", StringComparison.Ordinal))) : null;
        return new SimulatorHost(app, server, baseUrl, tlsBaseUrl);
    }

    private static string Loopback(string address) =>
        address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');

    /// <summary>Under <see cref="SimulatorOptions.Tls"/> the chat endpoint answers on the TLS listener only: a plain ws:// client is refused.</summary>
    private static Task AcceptOverTlsAsync(SimulatorServer server, HttpContext context) =>
        context.Request.IsHttps
            ? server.AcceptAsync(context)
            : Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "TLS only", detail: "The chat endpoint is served over TLS only (wss://).").ExecuteAsync(context);

    /// <summary>
    /// Stops: closes every connection, lets Kestrel finish (at most <see cref="SimulatorOptions.ShutdownTimeout"/>),
    /// then writes the accounts to the data folder once more so that a save cut short by the stop is not lost.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await Server.StopConnectionsAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await Server.Accounts.SaveAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await Server.Media.DisposeAsync().ConfigureAwait(false);
        Server.Certificate.Dispose();
    }
}
