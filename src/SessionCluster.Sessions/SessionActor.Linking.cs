using Akka.Actor;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State.Proto;
using static SessionCluster.Sessions.Connection.ConnectionProtocol;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// The session's side of linking by QR (and what linking by code shares with it: pair-success, 515, a lost connection;
/// the code exchange is <c>SessionActor.CodeLinking.cs</c>), logging in, and connecting again once linked (after recovery, and after a loss
/// on <see cref="ReconnectPolicy"/>'s ladder): the connection child's messages and the order of writes and answers. What to answer and what to check is <see cref="QrPairing"/>'s; this part only persists, then sends.
/// </summary>
public sealed partial class SessionActor
{
    /// <summary>How long a refused pair-success's connection stays open for its iq error to leave, unless the server closes it first.</summary>
    private static readonly TimeSpan RefusedCloseGrace = TimeSpan.FromSeconds(2);

    private IActorRef? _connection;
    private LinkPhase _phase;
    private QrRotation? _rotation;
    private LinkFailure? _closingFor;
    private SessionStatus _statusBeforeLink;
    private ReconnectPolicy? _reconnect;
    private DateTimeOffset? _connectedAt;

    private enum LinkPhase
    {
        None,
        Pairing,
        Refused,
        AwaitingRestart,
        LoggingIn,
        Online,
    }

    private void ReceiveLinking()
    {
        Command<LinkByQr>(OnLinkByQr);
        ReceiveCodeLinking();
        Command<NodeReceived>(OnNode);
        Command<ConnectionLost>(OnConnectionLost);
        Command<ShowNextQr>(_ => OnShowNextQr());
        Command<Reconnect>(OnReconnect);
        Command<CloseRefused>(_ =>
        {
            if (_phase == LinkPhase.Refused)
            {
                _connection?.Tell(Close.Instance);
            }
        });
        Command<ConnectionOpened>(_ => { });
        Command<NodeEnqueued>(_ => { });
        Command<SendRejected>(rejected => LinkingLog.SendRejected(_logger, _id.Value, rejected.Node.Tag, rejected.Failure));
    }

    /// <summary>Why a link (by QR or by code) may not start now, or null when it may.</summary>
    private Reply? LinkRefusalNow() =>
        !_exists ? new NotFound(_id)
            : _status == SessionStatus.Deleted ? new LinkRefused(_id, LinkRefusal.Deleted)
            : _registration?.DeviceJid is not null ? new LinkRefused(_id, LinkRefusal.AlreadyLinked)
            : _phase != LinkPhase.None ? new LinkRefused(_id, LinkRefusal.AlreadyLinking)
            : null;

    private void OnLinkByQr(LinkByQr command)
    {
        var refusal = LinkRefusalNow();
        if (refusal is not null)
        {
            Sender.Tell(refusal);
            return;
        }

        // A Linking recovered from a crash mid-link falls back to Created, not to itself, if this attempt fails; so does a
        // logged-out session, which by then holds a fresh registration (unlinked: Created).
        _statusBeforeLink = _status is SessionStatus.Linking or SessionStatus.LoggedOut ? SessionStatus.Created : _status;
        _phase = LinkPhase.Pairing;
        var replyTo = Sender;
        if (_registration is null)
        {
            // Logged out: the keys were wiped, so the new link gets a fresh registration (SessionActor.Keys.cs).
            RenewRegistrationThenLink(replyTo);
            return;
        }

        PersistEvents([new SessionStatusChangedBody(SessionStatus.Linking)], () => StartPairing(replyTo));
    }

    /// <summary>Status Linking is durable: connect with the registration payload and answer.</summary>
    private void StartPairing(IActorRef replyTo)
    {
        StartConnection(QrPairing.RegistrationPayload(_registration!, _options!));
        LinkingLog.LinkStarted(_logger, _id.Value);
        replyTo.Tell(new LinkStarted(_id));
    }

    private void OnNode(NodeReceived received)
    {
        if (!Sender.Equals(_connection))
        {
            // A node from a connection this session has already let go of.
            Sender.Tell(NodeAck.Instance);
            return;
        }

        var node = received.Node;
        if (_phase == LinkPhase.Online)
        {
            OnOnlineNode(node);
            return;
        }

        if (_phase == LinkPhase.Pairing && QrPairing.IsPairSuccess(node))
        {
            // Acked only once the outcome is durable: the connection pushes nothing else until then.
            OnPairSuccess(node);
            return;
        }

        if (_phase == LinkPhase.Pairing && _codeLink is not null)
        {
            OnCodeNode(node);
            Sender.Tell(NodeAck.Instance);
            return;
        }

        if (_phase == LinkPhase.Pairing && QrPairing.ReadPairDevice(node) is { } pairDevice)
        {
            _connection.Tell(new SendNode(QrPairing.Acknowledge(pairDevice.IqId)));
            if (pairDevice.Refs.Count > 0)
            {
                ShowQr(new QrRotation(pairDevice.Refs, 0));
            }
        }
        else if (_phase == LinkPhase.LoggingIn && node.Tag == "success")
        {
            _phase = LinkPhase.Online;
            _connectedAt = _dependencies.Clock.GetUtcNow();
            PersistEvents([new SessionStatusChangedBody(SessionStatus.Connected)], () =>
            {
                LinkingLog.Connected(_logger, _id.Value);
                OnLoggedIn();
            });
        }

        Sender.Tell(NodeAck.Instance);
    }

    private void OnPairSuccess(Protocol.Binary.Node node)
    {
        var connection = _connection!;
        Timers.Cancel(ShowNextQr.Instance);
        _rotation = null;
        var registration = RegistrationForPairSuccess();
        ForgetCodeLink();
        switch (QrPairing.AcceptPairSuccess(node, registration))
        {
            case PairSuccessAccepted accepted:
                _phase = LinkPhase.AwaitingRestart;
                var (sealedLinked, underSessionKey) = SealRegistration(accepted.Linked);
                var linked = new SessionLinked
                {
                    SessionId = _id.Value,
                    LinkedAtUnixMs = _dependencies.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
                    SealedRegistration = sealedLinked,
                    SealedUnderSessionKey = underSessionKey,
                };
                var statusEvent = NextEvent(new SessionStatusChangedBody(SessionStatus.Connecting)).ToRecord();
                // The registration is durable before pair-device-sign leaves: a phone that sees the answer has a companion that remembers it.
                PersistAll<Google.Protobuf.IMessage>([linked, statusEvent], stored =>
                {
                    switch (stored)
                    {
                        case SessionLinked:
                            _registration = accepted.Linked;
                            break;
                        case SessionEventRecord record:
                            ApplyEvent(record);
                            connection.Tell(new SendNode(accepted.Reply));
                            connection.Tell(NodeAck.Instance);
                            LinkingLog.Linked(_logger, _id.Value, accepted.Linked.DeviceJid!);
                            break;
                    }
                });
                break;
            case PairSuccessRefused refused:
                _phase = LinkPhase.Refused;
                LinkingLog.PairSuccessRefused(_logger, _id.Value, refused.Failure, refused.Detail);
                PersistEvents([new LinkFailedBody(refused.Failure), new SessionStatusChangedBody(_statusBeforeLink)], () =>
                {
                    if (refused.Reply is { } error)
                    {
                        connection.Tell(new SendNode(error));
                    }

                    connection.Tell(NodeAck.Instance);
                    // Closing now would abort the socket before the error leaves; the server normally ends the stream
                    // itself, and one that does not is closed after a grace.
                    Timers.StartSingleTimer(CloseRefused.Instance, CloseRefused.Instance, RefusedCloseGrace);
                });
                break;
        }
    }

    private void OnConnectionLost(ConnectionLost lost)
    {
        if (!Sender.Equals(_connection))
        {
            return;
        }

        _connection = null;
        OnOffline();
        Timers.Cancel(ShowNextQr.Instance);
        Timers.Cancel(CloseRefused.Instance);
        _rotation = null;
        switch (_phase)
        {
            case LinkPhase.AwaitingRestart when lost is { Reason: ConnectionLossReason.StreamError, StreamErrorCode: 515 }:
                // docs/PROTOCOL.md §6 step 7: the server restarts the stream; the companion comes back with the login payload.
                LogIn();
                break;
            case LinkPhase.Pairing:
                var failure = _closingFor ?? LinkFailure.ConnectionLost;
                _phase = LinkPhase.None;
                _closingFor = null;
                LinkingLog.LinkFailed(_logger, _id.Value, failure);
                var answerCodeCaller = EndCodeLink(failure);
                PersistEvents([new LinkFailedBody(failure), new SessionStatusChangedBody(_statusBeforeLink)], answerCodeCaller);
                break;
            case LinkPhase.Refused:
                _phase = LinkPhase.None;
                break;
            default:
                _phase = LinkPhase.None;
                // Linked: what happens next depends on how the server ended it (SessionActor.Endings.cs).
                OnLinkedConnectionLost(lost);
                break;
        }
    }

    /// <summary>Disconnected, written with why and when the next attempt comes; the attempt after the policy's delay (or <paramref name="immediate"/>).</summary>
    private void DisconnectAndRetry(DisconnectReason reason, ConnectionLost lost, DateTimeOffset? connectedAt, bool immediate)
    {
        // The jitter only spreads sessions apart in time; it guards no secret, so the shared PRNG serves.
        var policy = _reconnect ??= new ReconnectPolicy(_dependencies.Reconnect, Random.Shared);
        if (connectedAt is { } since)
        {
            policy.ConnectionLost(_dependencies.Clock.GetUtcNow() - since);
        }

        var delay = immediate ? TimeSpan.Zero : policy.NextDelay();
        LinkingLog.ConnectionLost(_logger, _id.Value, lost.Reason, lost.Detail, delay);
        PersistEvents([new DisconnectedBody(reason, lost.Detail, delay), new SessionStatusChangedBody(SessionStatus.Disconnected)], () =>
        {
            if (MayReconnect)
            {
                Timers.StartSingleTimer(Reconnect.Instance, Reconnect.Instance, delay);
            }
        });
    }

    /// <summary>May log in: linked (the registration has a device JID), not deleted or logged out, and no connection running or starting.</summary>
    private bool MayLogIn =>
        _exists
        && _registration?.DeviceJid is not null
        && _status is not (SessionStatus.Deleted or SessionStatus.LoggedOut)
        && _connection is null
        && _phase == LinkPhase.None;

    /// <summary>Connects again by itself: may log in, and was not replaced or halted (those wait for <see cref="Connect"/>).</summary>
    private bool MayReconnect => MayLogIn && _status is not (SessionStatus.Replaced or SessionStatus.Halted);

    private void OnReconnect(Reconnect reconnect)
    {
        if (!MayReconnect)
        {
            return;
        }

        // The node's reconnect-rate cap: wait for this start's turn (the same timer key, so Delete or Connect cancels it).
        if (!reconnect.Admitted && _dependencies.ConnectionStarts.Reserve() is var wait && wait > TimeSpan.Zero)
        {
            Timers.StartSingleTimer(Reconnect.Instance, Reconnect.AfterCap, wait);
            return;
        }

        _dependencies.Metrics.Reconnecting(_id);
        ConnectAgain(then: null);
    }

    /// <summary>A linked session opens a connection with its login payload: Connecting is durable before it opens.</summary>
    private void ConnectAgain(Action? then)
    {
        _phase = LinkPhase.LoggingIn;
        PersistEvents([new SessionStatusChangedBody(SessionStatus.Connecting)], () =>
        {
            LinkingLog.Reconnecting(_logger, _id.Value, _reconnect?.Attempt ?? 0);
            LogIn();
            then?.Invoke();
        });
    }

    /// <summary>Logs in with the linked registration (after pair-success's 515, after a restart, after a loss).</summary>
    private void LogIn()
    {
        _phase = LinkPhase.LoggingIn;
        StartConnection(QrPairing.LoginPayload(_registration!));
    }

    private void OnShowNextQr()
    {
        if (_phase != LinkPhase.Pairing || _rotation is null || _connection is null)
        {
            return;
        }

        if (_rotation.Next() is { } next)
        {
            ShowQr(next);
            return;
        }

        // Every ref has expired: drop the connection as whatsmeow does; its loss reports the failure.
        _rotation = null;
        _closingFor = LinkFailure.QrExpired;
        _connection.Tell(Close.Instance);
    }

    private void ShowQr(QrRotation rotation)
    {
        _rotation = rotation;
        var lifetime = rotation.Lifetime(_dependencies.Qr);
        var expiresAt = _dependencies.Clock.GetUtcNow() + lifetime;
        var qr = QrPairing.QrString(rotation.Current, _registration!, _options!.Platform);
        Timers.StartSingleTimer(ShowNextQr.Instance, ShowNextQr.Instance, lifetime);
        PersistEvents([new QrCodeBody(qr, expiresAt)], () => LinkingLog.QrShown(_logger, _id.Value, rotation.Index + 1, rotation.Refs.Count, expiresAt));
    }

    private void StartConnection(Protocol.Wa.Client.ClientPayload payload)
    {
        var settings = _dependencies.Server.ForConnection(_registration!.NoiseKey, Google.Protobuf.MessageExtensions.ToByteArray(payload)) with { Proxy = _proxy };
        _connection = Context.ActorOf(ConnectionActor.Props(settings, Self, _dependencies.Loggers.CreateLogger(typeof(ConnectionActor).FullName!), _dependencies.Clock));
    }

    /// <summary>Closes a running connection (the session is deleted); its loss is then ignored.</summary>
    private void StopLinking()
    {
        Timers.Cancel(ShowNextQr.Instance);
        Timers.Cancel(CloseRefused.Instance);
        Timers.Cancel(Reconnect.Instance);
        _rotation = null;
        _codeLink?.ReplyTo?.Tell(new LinkRefused(_id, LinkRefusal.Deleted));
        ForgetCodeLink();
        _phase = LinkPhase.None;
        _connectedAt = null;
        _connection?.Tell(Close.Instance);
        _connection = null;
        OnOffline();
    }

    /// <summary>Persists domain events in one atomic write, then runs <paramref name="done"/>.</summary>
    private void PersistEvents(IReadOnlyList<SessionEventBody> bodies, Action done)
    {
        var records = new List<SessionEventRecord>(bodies.Count);
        foreach (var body in bodies)
        {
            var record = NextEvent(body).ToRecord();
            _lastEventSequence = record.Sequence;
            records.Add(record);
        }

        var remaining = records.Count;
        PersistAll(records, record =>
        {
            ApplyEvent(record);
            if (--remaining == 0)
            {
                done();
            }
        });
    }

    /// <summary>The grace for a refused pair-success's connection is over (a timer message to self).</summary>
    private sealed record CloseRefused
    {
        public static CloseRefused Instance { get; } = new();
    }

    /// <summary>Time for a linked session to connect again (after recovery, or the policy's delay after a loss; a message to self).</summary>
    /// <param name="Admitted">The node's reconnect-rate cap already gave this attempt its start (<see cref="SessionActorDependencies.ConnectionStarts"/>).</param>
    private sealed record Reconnect(bool Admitted)
    {
        public static Reconnect Instance { get; } = new(false);

        public static Reconnect AfterCap { get; } = new(true);
    }

    /// <summary>Time to show the next QR ref (a timer message to self).</summary>
    private sealed record ShowNextQr
    {
        public static ShowNextQr Instance { get; } = new();
    }
}
