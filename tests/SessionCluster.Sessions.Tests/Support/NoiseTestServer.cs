using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>
/// A tiny WhatsApp-like server on loopback for what the simulator will not do: it completes the Noise handshake (with the
/// Protocol's <see cref="NoiseResponder"/> and a chain from its own root key), then runs <c>behave</c> on the connection
/// and keeps the connection until the client goes (the silence a dead connection shows, a malformed frame, a stream error).
/// </summary>
internal sealed class NoiseTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private NoiseTestServer(WebApplication app, string url, ReadOnlyMemory<byte> rootPublicKey)
    {
        _app = app;
        WebSocketUrl = new Uri(url);
        RootPublicKey = rootPublicKey;
    }

    public Uri WebSocketUrl { get; }

    public ReadOnlyMemory<byte> RootPublicKey { get; }

    /// <summary>Starts the server; <paramref name="behave"/> runs once per connection after the handshake.</summary>
    public static async Task<NoiseTestServer> StartAsync(Func<NoiseTestConnection, Task> behave)
    {
        var authority = CertificateAuthority.CreateRandom();
        var serverStatic = Curve25519.GenerateKeyPair();
        var now = DateTimeOffset.UtcNow;
        var chain = authority.IssueChain(serverStatic.PublicKey.Span, now.AddHours(-1), now.AddHours(1));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/ws/chat", async context =>
        {
            using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
            await using var pipe = new WebSocketDuplexPipe(webSocket);
            using var responder = new NoiseResponder(serverStatic, chain);
            var accepted = await NoiseHandshake.AcceptAsync(pipe, responder, cancellationToken: context.RequestAborted);
            await using var socket = accepted.Socket;
            await behave(new NoiseTestConnection(socket, webSocket));
            await DrainUntilClientLeavesAsync(socket, context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new NoiseTestServer(app, address.Replace("http://", "ws://", StringComparison.Ordinal).TrimEnd('/') + "/ws/chat", authority.RootPublicKey);
    }

    /// <summary>Reads (and drops) what the client sends until it closes; a client aborting the socket ends it too.</summary>
    private static async Task DrainUntilClientLeavesAsync(NoiseSocket socket, CancellationToken aborted)
    {
        try
        {
            while (await socket.ReceiveAsync(aborted) is not null)
            {
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
            // The client aborted the socket: that is how this server learns it left.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One accepted connection: its Noise transport, and the WebSocket under it for bytes that bypass Noise.</summary>
/// <remarks>
/// Writing to <see cref="WebSocket"/> directly is safe only while the transport sends nothing: after the handshake the
/// ServerHello is long delivered (the client answered it) and nothing else was written.
/// </remarks>
internal sealed record NoiseTestConnection(NoiseSocket Socket, WebSocket WebSocket);
