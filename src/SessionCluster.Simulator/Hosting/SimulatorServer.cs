using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Noise;

namespace SessionCluster.Simulator;

/// <summary>
/// The simulator's state shared by every connection: its certificate authority and Noise static key,
/// and (as the slice grows) accounts, live connections and statistics.
/// </summary>
internal sealed partial class SimulatorServer : IAsyncDisposable
{
    private readonly byte[] _chain;
    private readonly ILogger _logger;

    public SimulatorServer(SimulatorOptions options, CertificateAuthority authority, KeyPair staticKey, ILoggerFactory loggerFactory)
    {
        Options = options;
        Authority = authority;
        StaticKey = staticKey;
        LoggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<SimulatorServer>();
        _chain = authority.IssueChain(staticKey.PublicKey.Span, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    public SimulatorOptions Options { get; }

    public CertificateAuthority Authority { get; }

    public KeyPair StaticKey { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The <c>/ws/chat</c> endpoint: WebSocket upgrade, then the Noise handshake as responder.</summary>
    public async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var webSocket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        await using var pipe = new WebSocketDuplexPipe(webSocket);
        AcceptedConnection accepted;
        try
        {
            accepted = await NoiseHandshake.AcceptAsync(pipe, new NoiseResponder(StaticKey, _chain), cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NoiseHandshakeException or FrameFormatException or IOException or OperationCanceledException)
        {
            LogHandshakeFailed(_logger, e.Message);
            return;
        }

        await accepted.Socket.DisposeAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Noise handshake failed: {Reason}")]
    private static partial void LogHandshakeFailed(ILogger logger, string reason);
}
