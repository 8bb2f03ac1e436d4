using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Noise;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator;

/// <summary>
/// The simulator's state shared by every connection: its certificate authority and Noise static key, its TLS
/// certificate, the accounts,
/// the live connections and the statistics. <see cref="AcceptAsync"/> is the <c>/ws/chat</c> endpoint.
/// </summary>
internal sealed partial class SimulatorServer
{
    /// <summary>How long a closing connection waits for its last frames and the WebSocket close handshake.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    private readonly byte[] _chain;
    private readonly ILogger _logger;

    /// <summary>Cancelled once when the host stops: every connection, in its handshake or serving, ends at once.</summary>
    private readonly CancellationTokenSource _stopping = new();

    private long _connectionIds;

    public SimulatorServer(SimulatorOptions options, CertificateAuthority authority, KeyPair staticKey, X509Certificate2 certificate, ILoggerFactory loggerFactory, TimeProvider clock)
    {
        Options = options;
        Certificate = certificate;
        Authority = authority;
        StaticKey = staticKey;
        LoggerFactory = loggerFactory;
        Clock = clock;
        _logger = loggerFactory.CreateLogger<SimulatorServer>();
        Accounts = new AccountDirectory(options.DataFolder, clock);
        _chain = authority.IssueChain(staticKey.PublicKey.Span, clock.GetUtcNow().AddDays(-1), clock.GetUtcNow().AddYears(1));
    }

    public SimulatorOptions Options { get; }

    public CertificateAuthority Authority { get; }

    public KeyPair StaticKey { get; }

    /// <summary>The TLS certificate made at start-up (<see cref="TlsCertificate"/>): the media host's, and the chat endpoint's under <see cref="SimulatorOptions.Tls"/>.</summary>
    public X509Certificate2 Certificate { get; }

    public ILoggerFactory LoggerFactory { get; }

    public TimeProvider Clock { get; }

    public AccountDirectory Accounts { get; }

    public ConnectionRegistry Connections { get; } = new();

    public SimulatorStats Stats { get; } = new();

    /// <summary>The id of a new connection, unique within this server (logs and the admin API name connections by it).</summary>
    private long NextConnectionId() => Interlocked.Increment(ref _connectionIds);

    /// <summary>
    /// Device 0 of every account: the phones the simulator plays (<see cref="Phones"/>) unless a test sets its own.
    /// Setting it delivers what waits in every device 0's offline queue.
    /// </summary>
    public Relay.IPrimaryDevices? PrimaryDevices
    {
        get => field ?? Phones;
        set
        {
            field = value;
            if (value is not null)
            {
                DeviceQueues.FlushPhones();
            }
        }
    }

    public Groups.GroupDirectory Groups => LazyInitializer.EnsureInitialized(ref field, () => new(Accounts, Clock));

    public Phone.PhoneDirectory Phones => LazyInitializer.EnsureInitialized(ref field, () => new(Accounts, () => Relay, Clock, LoggerFactory, () => Media.Store, () => Media.BaseUrl));

    public Media.MediaServer Media => LazyInitializer.EnsureInitialized(ref field, () => new(Clock, LoggerFactory, Certificate));

    /// <summary>
    /// Ends every connection: each stops reading and closes its WebSocket. Kestrel's graceful stop waits for its
    /// requests, and a WebSocket request only ends when its connection does, so the host calls this before stopping.
    /// </summary>
    public Task StopConnectionsAsync() => _stopping.CancelAsync();

    /// <summary>The <c>/ws/chat</c> endpoint: WebSocket upgrade, the Noise handshake as responder, then the connection.</summary>
    public async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        using var webSocket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        await using var pipe = new WebSocketDuplexPipe(webSocket);
        AcceptedConnection accepted;
        try
        {
            accepted = await NoiseHandshake.AcceptAsync(pipe, new NoiseResponder(StaticKey, _chain), cancellationToken: ended.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NoiseHandshakeException or FrameFormatException or IOException or System.Net.WebSockets.WebSocketException or OperationCanceledException)
        {
            LogHandshakeFailed(_logger, e.Message);
            return;
        }

        Stats.ConnectionOpened();
        try
        {
            var connection = new ChatConnection(
                NextConnectionId(), accepted.Socket, accepted.ClientStaticKey, Login, Router, Connections, Stats, Options, Clock, LoggerFactory.CreateLogger<ChatConnection>())
            {
                RemoteAddress = RemoteAddressOf(context.Connection),
            };
            ClientHelloRequest request;
            try
            {
                request = ClientPayloads.Parse(accepted.ClientPayload.Span);
            }
            catch (ClientPayloadException e)
            {
                LogBadPayload(_logger, connection.Id, e.Message);
                Stats.LoginFailure();
                request = new RejectedRequest(e.FailureReason, "bad ClientPayload");
            }

            await connection.RunAsync(request, ended.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopped in the middle of login or registration: the read loop ends quietly, this does the same.
        }
        finally
        {
            Stats.ConnectionClosed();
            // Completing the socket lets the pipe's send pump flush the last frames and close the WebSocket.
            await accepted.Socket.DisposeAsync().ConfigureAwait(false);
            try
            {
                await pipe.Completion.WaitAsync(CloseGrace, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException or IOException or System.Net.WebSockets.WebSocketException)
            {
                LogCloseIncomplete(_logger, e.Message);
            }
        }
    }

    /// <summary>The peer as <c>ip:port</c>, an IPv4 peer of a dual-stack listener written as IPv4.</summary>
    private static string? RemoteAddressOf(ConnectionInfo connection) =>
        connection.RemoteIpAddress is { } ip
            ? new System.Net.IPEndPoint(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip, connection.RemotePort).ToString()
            : null;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Noise handshake failed: {Reason}")]
    private static partial void LogHandshakeFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Connection {Id}: ClientPayload refused (failure 400): {Reason}")]
    private static partial void LogBadPayload(ILogger logger, long id, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "WebSocket close did not complete cleanly: {Reason}")]
    private static partial void LogCloseIncomplete(ILogger logger, string reason);
}
