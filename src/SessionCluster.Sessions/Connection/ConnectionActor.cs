using System.Globalization;
using System.Net.WebSockets;
using Akka.Actor;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Noise;
using static SessionCluster.Sessions.Connection.ConnectionProtocol;

namespace SessionCluster.Sessions.Connection;

/// <summary>
/// One connection's life: open the WebSocket, run the Noise XX handshake with the ClientPayload, then move stanzas both
/// ways until the connection is lost, report the loss to the parent once, and stop. It never reconnects: the session
/// decides that (with <see cref="ReconnectPolicy"/>), because only the session knows whether it should.
/// </summary>
/// <remarks>
/// <para>
/// Once open, the connection is two loops (<see cref="ConnectionPumps"/>):
/// <c>outbound queue (bounded) → encode → Noise encrypt → frames → WebSocket</c> and
/// <c>WebSocket → frame cutter → Noise decrypt → decode → this actor → parent</c>. The frame cutter and the ciphers are the
/// Protocol's <see cref="NoiseSocket"/> over a <see cref="WebSocketDuplexPipe"/>; the inbound loop reads a frame only when
/// the previous node was acknowledged, so a busy session stops reading the socket instead of buffering without bound.
/// </para>
/// <para>
/// Inbound nodes pass through this actor rather than straight to the parent so that it sees every arrival (the watchdog),
/// answers its own pings, and turns <c>&lt;stream:error&gt;</c>, a login's <c>&lt;failure&gt;</c> and <c>&lt;xmlstreamend/&gt;</c> into a typed loss.
/// The parent acknowledges each <see cref="NodeReceived"/> with <see cref="NodeAck"/>; only then is the next frame read.
/// </para>
/// <para>
/// Keepalive: a ping iq every <see cref="ConnectionSettings.KeepaliveInterval"/>. Watchdog: when nothing arrives for
/// <see cref="ConnectionSettings.DeadConnectionTimeout"/> while the connection is reading, it is dead (a socket can look
/// open long after the path to the server is gone).
/// </para>
/// </remarks>
public sealed class ConnectionActor : ReceiveActor, IWithTimers
{
    private const string PingIdPrefix = "ka.";

    private readonly ConnectionSettings _settings;
    private readonly IActorRef _parent;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _lifetime = new();
    private Transport? _transport;

    // The connect task hands its transport over here, not only in its message: if the actor stops before the message is
    // read, PostStop still finds (and closes) the socket. Both sides take it with Interlocked.Exchange, so exactly one does.
    private Transport? _handedOver;
    private ConnectionPumps? _pumps;
    private bool _parentOwesAck;
    private long _lastArrival;
    private int _pings;
    private bool _lost;

    public ConnectionActor(ConnectionSettings settings, IActorRef parent, ILogger logger, TimeProvider time)
    {
        _settings = settings;
        _parent = parent;
        _logger = logger;
        _time = time;
        Connecting();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for a connection reporting to <paramref name="parent"/>; <paramref name="time"/> defaults to the system clock.</summary>
    /// <exception cref="ArgumentException">The settings are invalid (see <see cref="ConnectionSettings.Validate"/>).</exception>
    public static Props Props(ConnectionSettings settings, IActorRef parent, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(logger);
        settings.Validate();
        return Akka.Actor.Props.Create(() => new ConnectionActor(settings, parent, logger, time ?? TimeProvider.System));
    }

    protected override void PreStart() => ConnectAsync(_lifetime.Token).PipeTo(Self);

    protected override void PostStop()
    {
        _lifetime.Cancel();
        _pumps?.Complete();
        Release(_transport);
        _transport = null;
        Release(Interlocked.Exchange(ref _handedOver, null));
        _lifetime.Dispose();
        base.PostStop();
    }

    /// <summary>
    /// A bug in this actor must not turn into a silent reconnect (a restart would run <see cref="PreStart"/> again): the
    /// restarted instance reports the loss with its cause and stops. The old instance's PostStop already closed the socket.
    /// </summary>
    protected override void PostRestart(Exception reason)
    {
        _lost = true;
        ConnectionLog.Faulted(_logger, _settings.ServerUri, reason);
        _parent.Tell(new ConnectionLost(ConnectionLossReason.Fault, $"the connection actor failed ({reason.GetType().Name}): {reason.Message}", Cause: reason), Self);
        Become(Lost);
        Context.Stop(Self);
    }

    /// <summary>Closes a transport in the background (the actor is stopping and cannot wait); a failure is logged.</summary>
    private void Release(Transport? transport) =>
        transport?.CloseAsync().ContinueWith(
            (t, state) => ((ConnectionActor)state!).LogReleaseFailed(t.Exception!),
            this,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private void LogReleaseFailed(Exception cause) => ConnectionLog.ReleaseFailed(_logger, _settings.ServerUri, cause);

    private void Connecting()
    {
        Receive<Connected>(OnConnected);
        Receive<ConnectFailed>(failed => Lose(failed.Reason, failed.Detail, cause: failed.Cause));
        Receive<SendNode>(send => Sender.Tell(new SendRejected(send.Node, SendFailure.NotOpen)));
        Receive<Close>(_ =>
        {
            // Wait for the attempt to end so that a socket it opens meanwhile is not left behind.
            _lifetime.Cancel();
            Become(CancellingConnect);
        });
    }

    private void CancellingConnect()
    {
        Receive<Connected>(_ =>
        {
            _transport = Interlocked.Exchange(ref _handedOver, null);
            Lose(ConnectionLossReason.Cancelled, "closed by the session while connecting");
        });
        Receive<ConnectFailed>(_ => Lose(ConnectionLossReason.Cancelled, "closed by the session while connecting"));
        Receive<SendNode>(send => Sender.Tell(new SendRejected(send.Node, SendFailure.NotOpen)));
        Receive<Close>(_ => { });
    }

    private void Open()
    {
        Receive<Node>(OnInbound);
        Receive<NodeAck>(_ => OnParentAck());
        Receive<ConnectionPumps.InboundEnded>(_ => Lose(ConnectionLossReason.ServerClosed, "the server closed the connection"));
        Receive<ConnectionPumps.InboundFailed>(failed => LoseOpen(failed.Cause));
        Receive<ConnectionPumps.OutboundFailed>(failed => LoseOpen(failed.Cause));
        Receive<SendNode>(OnSend);
        Receive<KeepaliveTick>(_ => SendPing());
        Receive<WatchdogTick>(_ => CheckWatchdog());
        Receive<Close>(_ => Lose(ConnectionLossReason.Cancelled, "closed by the session"));
    }

    private void Lost()
    {
        // The loss is reported and the actor is stopping; late stream signals and requests have nobody to serve.
        Receive<SendNode>(send => Sender.Tell(new SendRejected(send.Node, SendFailure.NotOpen)));
        ReceiveAny(_ => { });
    }

    private async Task<object> ConnectAsync(CancellationToken cancellationToken)
    {
        // A proxy's tunnel opening first tells a timeout of the proxy from one of the server.
        var tunnelOpened = false;
        if (_settings.Proxy is { } proxy)
        {
            ConnectionLog.ConnectingThroughProxy(_logger, _settings.ServerUri, proxy.ToString());
        }

        WebSocket? webSocket = null;
        WebSocketDuplexPipe? pipe = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.ConnectTimeout);
        try
        {
            webSocket = await WebSocketConnector.ConnectAsync(_settings, () => Volatile.Write(ref tunnelOpened, true), _logger, timeout.Token).ConfigureAwait(false);
            pipe = new WebSocketDuplexPipe(webSocket);
            using var initiator = new NoiseInitiator(_settings.NoiseKey, new NoiseClientOptions { RootPublicKey = _settings.RootPublicKey, Clock = _time });
            var socket = await NoiseHandshake.ConnectAsync(pipe, initiator, _settings.ClientPayload, cancellationToken: timeout.Token).ConfigureAwait(false);
            Interlocked.Exchange(ref _handedOver, new Transport(webSocket, pipe, socket));
            if (cancellationToken.IsCancellationRequested && Interlocked.Exchange(ref _handedOver, null) is { } orphan)
            {
                // The actor stopped while the handshake finished and PostStop had nothing to close yet: close it here.
                try
                {
                    await orphan.CloseAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
                {
                    LogReleaseFailed(e);
                }

                return new ConnectFailed(ConnectionLossReason.Cancelled, "the connection stopped while connecting", new OperationCanceledException(cancellationToken));
            }

            return new Connected(initiator.ServerStaticKey.ToArray());
        }
        catch (Exception e)
        {
            var (reason, detail) = e is OperationCanceledException && _settings.Proxy is { } timedOut && !Volatile.Read(ref tunnelOpened) && !cancellationToken.IsCancellationRequested
                ? ConnectionFailures.ProxyTimedOut(timedOut, _settings.ConnectTimeout)
                : ConnectionFailures.WhileConnecting(e, webSocket is not null);
            if (pipe is not null)
            {
                webSocket!.Abort();
                await ReleaseAfterFailedConnectAsync(pipe).ConfigureAwait(false);
            }

            webSocket?.Dispose();
            return new ConnectFailed(reason, detail, e);
        }
    }

    private async Task ReleaseAfterFailedConnectAsync(WebSocketDuplexPipe pipe)
    {
        try
        {
            await pipe.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or FrameFormatException)
        {
            // The pumps end with the aborted socket's error; the connect failure itself is what gets reported.
            ConnectionLog.ReleaseFailed(_logger, _settings.ServerUri, e);
        }
    }

    private void OnConnected(Connected connected)
    {
        var transport = Interlocked.Exchange(ref _handedOver, null)
            ?? throw new InvalidOperationException("The connect task reported success without handing over its transport.");
        _transport = transport;
        _pumps = new ConnectionPumps(transport.Socket, _settings.DecoderLimits, _settings.OutboundQueueBound, Self, _lifetime.Token);
        _pumps.Start();

        _lastArrival = _time.GetTimestamp();
        Timers.StartPeriodicTimer(nameof(KeepaliveTick), KeepaliveTick.Instance, _settings.KeepaliveInterval);
        var watchdogPeriod = _settings.DeadConnectionTimeout / 4;
        Timers.StartPeriodicTimer(nameof(WatchdogTick), WatchdogTick.Instance, watchdogPeriod);
        Become(Open);
        ConnectionLog.Opened(_logger, _settings.ServerUri);
        _parent.Tell(new ConnectionOpened(connected.ServerStaticKey), Self);
    }

    private void OnInbound(Node node)
    {
        _lastArrival = _time.GetTimestamp();
        switch (node.Tag)
        {
            case "stream:error":
                var code = node.GetOptionalString("code");
                var conflict = node.Children.FirstOrDefault(c => c.Tag == "conflict")?.GetOptionalString("type");
                Lose(ConnectionLossReason.StreamError, DescribeStreamError(node, code), ParseCode(code), conflictType: conflict);
                return;
            case "failure":
                // The login's answer instead of <success>: the server closes next, and why it refused is what matters.
                var reason = node.GetOptionalString("reason");
                Lose(ConnectionLossReason.LoginFailed, $"<failure reason=\"{reason}\"/>", failureReason: ParseCode(reason));
                return;
            case "xmlstreamend":
                Lose(ConnectionLossReason.ServerClosed, "the server ended the stream (<xmlstreamend/>)");
                return;
        }

        if (node.Tag == "iq" && node.GetOptionalString("id") is { } id && IsOwnPing(id))
        {
            // Our own keepalive's answer: it only proves the connection alive, which the arrival already recorded.
            _pumps!.Ack();
            return;
        }

        _parentOwesAck = true;
        _parent.Tell(new NodeReceived(node), Self);
    }

    private void OnParentAck()
    {
        if (!_parentOwesAck)
        {
            return;
        }

        _parentOwesAck = false;
        // The watchdog counts from when reading resumes, not from the node the parent took its time over.
        _lastArrival = _time.GetTimestamp();
        _pumps!.Ack();
    }

    private void OnSend(SendNode send)
    {
        // The queue is completed only as the actor stops, so a refusal here means it is full.
        Sender.Tell(_pumps!.TryEnqueue(send.Node) ? new NodeEnqueued(send.Node) : new SendRejected(send.Node, SendFailure.QueueFull));
    }

    /// <summary>
    /// Whether an iq answers one of this connection's pings: its id is one we issued (<c>ka.1</c> to <c>ka.N</c>). Told by
    /// the id, not by a set of outstanding ones, so an answer that comes late (a loaded machine, a slow server) still
    /// stays here instead of reaching the session as a stanza nobody asked for.
    /// </summary>
    private bool IsOwnPing(string id) =>
        id.StartsWith(PingIdPrefix, StringComparison.Ordinal)
        && int.TryParse(id.AsSpan(PingIdPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
        && n >= 1 && n <= _pings;

    private void SendPing()
    {
        var id = PingIdPrefix + (++_pings).ToString(CultureInfo.InvariantCulture);
        var ping = new Node("iq", [("id", id), ("to", "s.whatsapp.net"), ("type", "get"), ("xmlns", "w:p")], [new Node("ping")]);
        // A full queue means stanzas are going out (the connection is busy, not idle): the watchdog, not the ping, decides.
        _ = _pumps!.TryEnqueue(ping);
    }

    private void CheckWatchdog()
    {
        if (_parentOwesAck)
        {
            // Not reading while the parent works on a node: silence now says nothing about the connection.
            return;
        }

        var silent = _time.GetElapsedTime(_lastArrival);
        if (silent >= _settings.DeadConnectionTimeout)
        {
            Lose(ConnectionLossReason.KeepaliveTimeout, $"nothing arrived for {silent.TotalSeconds:0.###} s although pings were sent (timeout {_settings.DeadConnectionTimeout.TotalSeconds:0.###} s)");
        }
    }

    private void LoseOpen(Exception cause)
    {
        // A task's failure may come as an AggregateException; the loss names what actually went wrong.
        if (cause is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            cause = aggregate.Flatten().InnerExceptions[0];
        }

        var (reason, detail) = ConnectionFailures.WhileOpen(cause);
        Lose(reason, detail, cause: cause);
    }

    /// <summary>Reports the loss (once), releases the connection and stops.</summary>
    private void Lose(ConnectionLossReason reason, string detail, int? streamErrorCode = null, Exception? cause = null, string? conflictType = null, int? failureReason = null)
    {
        if (_lost)
        {
            return;
        }

        _lost = true;
        if (reason == ConnectionLossReason.MalformedInput)
        {
            ConnectionLog.MalformedInput(_logger, _settings.ServerUri, detail, cause!);
        }
        else
        {
            ConnectionLog.Lost(_logger, _settings.ServerUri, reason, detail, cause);
        }

        Timers.CancelAll();
        _parent.Tell(new ConnectionLost(reason, detail, streamErrorCode, cause, conflictType, failureReason), Self);
        Become(Lost);
        Context.Stop(Self);
    }

    private static int? ParseCode(string? code) =>
        int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string DescribeStreamError(Node node, string? code)
    {
        var first = node.Children.Count > 0 ? node.Children[0] : null;
        var condition = first is null ? "" : " <" + first.Tag + (first.GetOptionalString("type") is { } type ? $" type=\"{type}\"" : "") + "/>";
        return $"<stream:error{(code is null ? "" : $" code=\"{code}\"")}>{condition}";
    }

    private sealed record Connected(ReadOnlyMemory<byte> ServerStaticKey);

    private sealed record ConnectFailed(ConnectionLossReason Reason, string Detail, Exception Cause);

    private sealed record KeepaliveTick
    {
        public static KeepaliveTick Instance { get; } = new();
    }

    private sealed record WatchdogTick
    {
        public static WatchdogTick Instance { get; } = new();
    }
}
