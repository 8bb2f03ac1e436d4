using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Interop.Tests.Noise;

/// <summary>
/// A Kestrel WebSocket endpoint at <c>ws://127.0.0.1:{port}/ws/chat</c> that runs the C# Noise
/// responder on each connection and hands the finished connection to the test, which keeps the
/// WebSocket open until it completes the connection's <see cref="ServerConnection.Done"/>.
/// </summary>
internal sealed class LoopbackNoiseServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ServerConnection> _connections = Channel.CreateUnbounded<ServerConnection>();
    private readonly Channel<Exception> _failures = Channel.CreateUnbounded<Exception>();

    private LoopbackNoiseServer(WebApplication app, CertificateAuthority authority, KeyPair staticKey)
    {
        _app = app;
        Authority = authority;
        StaticKey = staticKey;
    }

    public CertificateAuthority Authority { get; }

    public KeyPair StaticKey { get; }

    public string Url { get; private set; } = "";

    /// <summary>The chain served to the next connection; tests swap in bad chains.</summary>
    public byte[] Chain { get; set; } = [];

    public static async Task<LoopbackNoiseServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new LoopbackNoiseServer(app, CertificateAuthority.CreateRandom(), Curve25519.GenerateKeyPair());
        server.Chain = server.Authority.IssueChain(server.StaticKey.PublicKey.Span, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        app.UseWebSockets();
        app.Map("/ws/chat", server.AcceptAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Url = address.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws/chat";
        return server;
    }

    public async Task<ServerConnection> NextConnectionAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var accepted = _connections.Reader.ReadAsync(cts.Token).AsTask();
        var failed = _failures.Reader.ReadAsync(cts.Token).AsTask();
        var first = await Task.WhenAny(accepted, failed);
        if (first == failed && failed.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("The server-side handshake failed.", failed.Result);
        }

        return await accepted;
    }

    /// <summary>The next server-side handshake failure (for tests where the client misbehaves).</summary>
    public async Task<Exception> NextFailureAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _failures.Reader.ReadAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
        await using var pipe = new WebSocketDuplexPipe(webSocket);
        AcceptedConnection accepted;
        try
        {
            accepted = await NoiseHandshake.AcceptAsync(pipe, new NoiseResponder(StaticKey, Chain));
        }
        catch (Exception e) when (e is NoiseHandshakeException or FrameFormatException or IOException)
        {
            await _failures.Writer.WriteAsync(e);
            return;
        }

        var connection = new ServerConnection(accepted);
        await _connections.Writer.WriteAsync(connection);
        await connection.Done.Task;
        await accepted.Socket.DisposeAsync();
    }
}

/// <summary>A connection the server accepted; complete <see cref="Done"/> to let it close.</summary>
internal sealed record ServerConnection(AcceptedConnection Accepted)
{
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NoiseSocket Socket => Accepted.Socket;
}
