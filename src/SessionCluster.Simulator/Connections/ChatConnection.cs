using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Noise;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Linking;

namespace SessionCluster.Simulator.Connections;

/// <summary>
/// One client connection after the Noise handshake: it answers the ClientFinish (pair-device for a registration,
/// success/failure for a login), then reads stanzas one at a time and hands each to <see cref="StanzaRouter"/>.
/// </summary>
/// <remarks>
/// The server also asks the client things (pair-device, pair-success): <see cref="QueryAsync"/> registers the
/// iq id before sending, and the read loop completes it when the client's result or error arrives, so a query
/// made from another task (the admin API) never races the loop. Closing is idempotent: the first caller sends
/// its final stanza (a stream error or failure), the loop stops, and the host closes the WebSocket after the
/// final frame has gone out.
/// </remarks>
internal sealed partial class ChatConnection
{
    private readonly NoiseSocket _socket;
    private readonly Login _login;
    private readonly StanzaRouter _router;
    private readonly ConnectionRegistry _connections;
    private readonly SimulatorStats _stats;
    private readonly SimulatorOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Node>> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _reportedUnknown = new(StringComparer.Ordinal);
    private long _iqCounter;
    private int _closing;
    private int _closed;
    private int _linking;

    /// <param name="id">Unique within the server: logs and the admin API name connections by it.</param>
    /// <param name="socket">The Noise transport after the handshake.</param>
    /// <param name="noiseKey">The client's Noise static public key from the handshake.</param>
    /// <param name="login">Answers a login ClientFinish.</param>
    /// <param name="router">Every stanza the client sends after login or registration goes to it.</param>
    /// <param name="connections">Where a registering or logged-in connection is found by its refs or device.</param>
    /// <param name="stats">Counts stanzas in and out, errors, registrations and unhandled stanzas.</param>
    /// <param name="options">The close grace and the iq reply timeout.</param>
    /// <param name="clock">When a registering companion's pair-device refs are issued (and so expire).</param>
    /// <param name="logger">This connection's log.</param>
    public ChatConnection(
        long id,
        NoiseSocket socket,
        ReadOnlyMemory<byte> noiseKey,
        Login login,
        StanzaRouter router,
        ConnectionRegistry connections,
        SimulatorStats stats,
        SimulatorOptions options,
        TimeProvider clock,
        ILogger<ChatConnection> logger)
    {
        Id = id;
        _socket = socket;
        NoiseKey = noiseKey;
        _login = login;
        _router = router;
        _connections = connections;
        _stats = stats;
        _options = options;
        _clock = clock;
        _logger = logger;
    }

    public long Id { get; }

    /// <summary>The client's Noise static public key from the handshake.</summary>
    public ReadOnlyMemory<byte> NoiseKey { get; }

    /// <summary>The peer's address as <c>ip:port</c> (a proxy's, when the client came through one); null when the host does not know it.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>Set for a registering companion: the keys it registered with and the refs it was given.</summary>
    public RegisteringCompanion? Registering { get; private set; }

    /// <summary>Set once a login succeeded.</summary>
    public LoggedInDevice? LoggedIn { get; private set; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Set when the client has sent passive <c>&lt;active/&gt;</c> and been told its offline queue is drained.</summary>
    public bool OfflineDelivered { get; set; }

    /// <summary>Answers the ClientFinish, then serves stanzas until either side closes.</summary>
    public async Task RunAsync(ClientHelloRequest request, CancellationToken aborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _stop.Token);
        var token = linked.Token;
        try
        {
            _ = request switch
            {
                RegistrationRequest registration => await StartRegistrationAsync(registration, token).ConfigureAwait(false),
                LoginRequest login => await _login.LoginAsync(this, login, token).ConfigureAwait(false),
                RejectedRequest rejected => await CloseAsync(ServerStanzas.Failure(rejected.FailureReason), rejected.Reason).ConfigureAwait(false),
                _ => throw new InvalidOperationException($"Unexpected request {request.GetType().Name}."),
            };

            // Also after a refusal: the loop then only waits for the client to close (see CloseAsync).
            await ReadLoopAsync(token).ConfigureAwait(false);
        }
        finally
        {
            Cleanup();
        }
    }

    /// <summary>Sends one stanza; false when the connection is already closed or the send failed.</summary>
    public async ValueTask<bool> SendAsync(Node node, CancellationToken cancellationToken = default)
    {
        if (IsClosed)
        {
            return false;
        }

        try
        {
            await _socket.SendNodeAsync(node, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            // The pipe is completed or the peer went away: the read loop will see the end of stream too.
            LogSendFailed(_logger, Id, node.Tag, e.Message);
            return false;
        }

        _stats.StanzaOut();
        if (IsError(node))
        {
            _stats.ErrorSent();
        }

        return true;
    }

    /// <summary>A fresh id for an iq the server sends.</summary>
    public string NextIqId() => Interlocked.Increment(ref _iqCounter).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Sends an iq the server originates and waits for the client's result or error with the same id.
    /// </summary>
    /// <exception cref="TimeoutException">No answer within <paramref name="timeout"/>.</exception>
    /// <exception cref="ConnectionClosedException">The connection closed before the answer.</exception>
    public async Task<Node> QueryAsync(Node iq, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var id = iq.GetString("id");
        var answer = new TaskCompletionSource<Node>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(id, answer))
        {
            throw new InvalidOperationException($"An iq with id {id} is already waiting for its answer.");
        }

        try
        {
            if (!await SendAsync(iq, cancellationToken).ConfigureAwait(false))
            {
                throw new ConnectionClosedException(Id);
            }

            return await answer.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Closes the connection once: sends <paramref name="finalStanza"/> (if any), stops accepting stanzas, and ends the
    /// read loop when the client closes or <see cref="SimulatorOptions.CloseGrace"/> has passed (at once without a final
    /// stanza). Later calls do nothing. Returns false when the connection was already closing.
    /// </summary>
    public async Task<bool> CloseAsync(Node? finalStanza, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return false;
        }

        if (finalStanza is not null)
        {
            // Still accepted by SendAsync: only the flag below stops sends, and only one closer gets here.
            await SendAsync(finalStanza).ConfigureAwait(false);
        }

        Volatile.Write(ref _closed, 1);
        LogClosing(_logger, Id, reason);
        if (finalStanza is null)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }
        else
        {
            _stop.CancelAfter(_options.CloseGrace);
        }

        return true;
    }

    /// <summary>Claims the right to link this registering connection (one admin link at a time, once).</summary>
    public bool TryBeginLinking() => Interlocked.CompareExchange(ref _linking, 1, 0) == 0;

    /// <summary>Gives the right back after a link attempt that did not close the connection.</summary>
    public void EndLinking() => Volatile.Write(ref _linking, 0);

    public void SetLoggedIn(LoggedInDevice device) => LoggedIn = device;

    /// <summary>Logs a stanza the simulator does not handle, once per kind per connection.</summary>
    public void ReportUnhandled(string kind)
    {
        _stats.Unhandled();
        if (_reportedUnknown.TryAdd(kind, 0))
        {
            LogUnhandled(_logger, Id, kind);
        }
    }

    private async Task<bool> StartRegistrationAsync(RegistrationRequest registration, CancellationToken token)
    {
        _stats.Registration();
        var pairDevice = new PairDevice(_options, _clock);
        Registering = new RegisteringCompanion(registration, pairDevice);
        _connections.AddRefs(pairDevice.Refs, this);
        var iq = pairDevice.ToIq(NextIqId());
        var answer = QueryAsync(iq, _options.IqReplyTimeout, token);
        _ = answer.ContinueWith(
            static (task, state) =>
            {
                var connection = (ChatConnection)state!;
                if (task.IsCompletedSuccessfully && task.Result.GetOptionalString("type") != "result")
                {
                    LogPairDeviceRefused(connection._logger, connection.Id, task.Result.GetOptionalString("type") ?? "none");
                }
                else if (task.IsFaulted)
                {
                    LogPairDeviceUnanswered(connection._logger, connection.Id, task.Exception.GetBaseException().Message);
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        await Task.Yield();
        return !IsClosed;
    }

    private async Task ReadLoopAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Node? node;
            try
            {
                node = await _socket.ReceiveNodeAsync(cancellationToken: token).ConfigureAwait(false);
            }
            catch (BinaryFormatException e)
            {
                LogMalformedFrame(_logger, Id, e.Message);
                // The frame itself decrypted, so the stream is still in step: keep reading until the client closes.
                await CloseAsync(StreamErrors.NotWellFormed(), "malformed frame").ConfigureAwait(false);
                continue;
            }
            catch (Exception e) when (e is NoiseTransportException or FrameFormatException or IOException or System.Net.WebSockets.WebSocketException)
            {
                LogTransportFailed(_logger, Id, e.Message);
                await CloseAsync(null, "transport failure").ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }

            if (node is null)
            {
                await CloseAsync(null, "the client closed the stream").ConfigureAwait(false);
                return;
            }

            _stats.StanzaIn();
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                LogReceived(_logger, Id, node.Tag, node.GetOptionalString("type") ?? "", node.GetOptionalString("xmlns") ?? "", IqRouter.FirstChild(node));
            }

            if (IsClosed)
            {
                // Closing: the final stanza is out; whatever the client still sends is dropped.
                continue;
            }

            try
            {
                await _router.RouteAsync(this, node, token).ConfigureAwait(false);
            }
            catch (MalformedStanzaException e)
            {
                LogMalformedStanza(_logger, Id, node.Tag, e.Message);
                await CloseAsync(StreamErrors.NotWellFormed(), "malformed stanza").ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Completes a pending server query with the client's answer; false when nothing waits for this id.</summary>
    internal bool CompleteQuery(string id, Node answer) =>
        _pending.TryGetValue(id, out var waiter) && waiter.TrySetResult(answer);

    private void Cleanup()
    {
        Interlocked.Exchange(ref _closing, 1);
        Interlocked.Exchange(ref _closed, 1);
        if (Registering is { } registering)
        {
            _connections.RemoveRefs(registering.PairDevice.Refs);
        }

        if (LoggedIn is { } device)
        {
            _connections.Logout(device.DeviceJid.ToString(), this);
        }

        foreach (var waiter in _pending.Values)
        {
            waiter.TrySetException(new ConnectionClosedException(Id));
        }

    }

    private static bool IsError(Node node) =>
        node.Tag is "failure" or "stream:error" || (node.Tag == "iq" && node.GetOptionalString("type") == "error");

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Connection {Id}: sending <{Tag}> failed: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, long id, string tag, string reason);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Connection {Id} closing: {Reason}")]
    private static partial void LogClosing(ILogger logger, long id, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Connection {Id}: not handled (logged once): {Kind}")]
    private static partial void LogUnhandled(ILogger logger, long id, string kind);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Connection {Id}: malformed frame: {Reason}")]
    private static partial void LogMalformedFrame(ILogger logger, long id, string reason);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Connection {Id}: malformed <{Tag}>: {Reason}")]
    private static partial void LogMalformedStanza(ILogger logger, long id, string tag, string reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Connection {Id}: transport failed: {Reason}")]
    private static partial void LogTransportFailed(ILogger logger, long id, string reason);

    [LoggerMessage(EventId = 108, Level = LogLevel.Debug, Message = "Connection {Id} received <{Tag} type={Type} xmlns={Xmlns}><{Child}>")]
    private static partial void LogReceived(ILogger logger, long id, string tag, string type, string xmlns, string child);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Connection {Id}: the client answered pair-device with type {Type}")]
    private static partial void LogPairDeviceRefused(ILogger logger, long id, string type);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Connection {Id}: pair-device not acknowledged: {Reason}")]
    private static partial void LogPairDeviceUnanswered(ILogger logger, long id, string reason);
}

/// <summary>A ClientPayload the server refuses: the connection gets <c>&lt;failure reason&gt;</c> and closes.</summary>
internal sealed record RejectedRequest(int FailureReason, string Reason) : ClientHelloRequest;

/// <summary>A registering companion: the keys from its devicePairingData and the refs it was given.</summary>
internal sealed record RegisteringCompanion(RegistrationRequest Registration, PairDevice PairDevice);

/// <summary>A logged-in companion.</summary>
internal sealed record LoggedInDevice(Account Account, CompanionDevice Device)
{
    public Jid DeviceJid => Account.DeviceJid(Device.DeviceId);
}

/// <summary>The connection closed while the server waited on it.</summary>
internal sealed class ConnectionClosedException(long connectionId) : Exception($"Connection {connectionId} closed.");

/// <summary>A stanza too broken to answer (an iq without id or type, …): the connection gets a stream error.</summary>
internal sealed class MalformedStanzaException(string message) : Exception(message);
