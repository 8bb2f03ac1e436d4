using System.Collections.Immutable;
using Akka.Actor;
using Google.Protobuf;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using static SessionCluster.Sessions.Connection.ConnectionProtocol;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// How a linked session's connection ends and what follows (<see cref="LossVerdict"/>): connect again after the backoff
/// or at once (515), stop when replaced (until <see cref="Connect"/>), or log out (keys wiped, never again until a new
/// link); and the session's own <see cref="Logout"/>.
/// </summary>
public sealed partial class SessionActor
{
    /// <summary>How long a logout waits for the server to answer remove-companion-device before logging out locally anyway.</summary>
    private static readonly TimeSpan LogoutAnswerTimeout = TimeSpan.FromSeconds(5);

    private PendingLogout? _pendingLogout;
    private DateTimeOffset? _lastImmediateRestart;

    private void ReceiveEndings()
    {
        Command<Connect>(OnConnect);
        Command<Restart>(OnRestart);
        Command<Logout>(OnLogout);
        Command<LogoutAnswered>(OnLogoutAnswered);
        Command<LogoutUnanswered>(_ =>
        {
            if (_pendingLogout is not null)
            {
                SessionEndLog.LogoutUnconfirmed(_logger, _id.Value, $"no answer in {LogoutAnswerTimeout.TotalSeconds:0} s");
                LogOut(LogoutReason.UserInitiated, "remove-companion-device unanswered");
            }
        });
    }

    private void OnLinkedConnectionLost(ConnectionLost lost)
    {
        var connectedAt = _connectedAt;
        _connectedAt = null;
        if (_pendingLogout is not null)
        {
            // Asked to log out and the connection went first (the server may end it itself): the logout stands.
            SessionEndLog.LogoutUnconfirmed(_logger, _id.Value, "the connection ended: " + lost.Detail);
            LogOut(LogoutReason.UserInitiated, lost.Detail);
            return;
        }

        switch (LossVerdict.Of(lost))
        {
            case LossVerdict.LoggedOut loggedOut:
                LogOut(loggedOut.Reason, lost.Detail);
                break;
            case LossVerdict.Replaced:
                // Another connection holds this device; connecting back would replace it in turn, a loop between two clients.
                SessionEndLog.Replaced(_logger, _id.Value, lost.Detail);
                PersistEvents([new DisconnectedBody(DisconnectReason.Replaced, lost.Detail, ReconnectIn: null), new SessionStatusChangedBody(SessionStatus.Replaced)], () => { });
                break;
            case LossVerdict.Halt halt:
                SessionEndLog.Halted(_logger, _id.Value, halt.Reason, lost.Detail);
                PersistEvents([new DisconnectedBody(halt.Reason, lost.Detail, ReconnectIn: null), new SessionStatusChangedBody(SessionStatus.Halted)], () => { });
                break;
            case LossVerdict.RestartNow:
                // At once only after an online connection, and once per stable period: a server repeating 515 meets the backoff.
                var immediate = connectedAt is not null && ImmediateRestartAllowed();
                if (immediate)
                {
                    SessionEndLog.RestartNow(_logger, _id.Value);
                }

                DisconnectAndRetry(DisconnectReason.Restart, lost, connectedAt, immediate);
                break;
            case LossVerdict.Backoff backoff:
                DisconnectAndRetry(backoff.Reason, lost, connectedAt, immediate: false);
                break;
        }
    }

    private bool ImmediateRestartAllowed()
    {
        var now = _dependencies.Clock.GetUtcNow();
        if (_lastImmediateRestart is { } last && now - last < _dependencies.Reconnect.StableAfter)
        {
            return false;
        }

        _lastImmediateRestart = now;
        return true;
    }

    /// <summary>Why a linked session may not (re)connect now, or null; <paramref name="online"/>: a live connection does not count against it.</summary>
    private Reply? ConnectRefusalNow(bool online) =>
        !_exists ? new NotFound(_id)
            : _status == SessionStatus.Deleted ? new ConnectRefused(_id, ConnectRefusal.Deleted)
            : _registration?.DeviceJid is null || _status == SessionStatus.LoggedOut ? new ConnectRefused(_id, ConnectRefusal.NotLinked)
            : !(MayLogIn || (online && _phase == LinkPhase.Online && _pendingLogout is null)) ? new ConnectRefused(_id, ConnectRefusal.AlreadyConnecting)
            : null;

    private void OnConnect(Connect command)
    {
        var refusal = ConnectRefusalNow(online: false);
        if (refusal is not null)
        {
            Sender.Tell(refusal);
            return;
        }

        SessionEndLog.ConnectCommanded(_logger, _id.Value, _status);
        Timers.Cancel(Reconnect.Instance);
        var replyTo = Sender;
        ConnectAgain(() => replyTo.Tell(new ConnectStarted(_id)));
    }

    /// <summary>
    /// Drops the live connection (its loss is then ignored) and logs in again at once: Disconnected with a
    /// <see cref="DisconnectReason.Restart"/> body, then Connecting. Not connected, it connects now as <see cref="Connect"/> does.
    /// </summary>
    private void OnRestart(Restart command)
    {
        if (ConnectRefusalNow(online: true) is { } refusal)
        {
            Sender.Tell(refusal);
            return;
        }

        CapabilitiesLog.Restarting(_logger, _id.Value);
        Timers.Cancel(Reconnect.Instance);
        var replyTo = Sender;
        if (_connection is not { } connection)
        {
            ConnectAgain(() => replyTo.Tell(new Restarting(_id)));
            return;
        }

        _connection = null;
        _phase = LinkPhase.None;
        _connectedAt = null;
        connection.Tell(Close.Instance);
        OnOffline();
        PersistEvents(
            [new DisconnectedBody(DisconnectReason.Restart, "restarted by command", TimeSpan.Zero), new SessionStatusChangedBody(SessionStatus.Disconnected)],
            () =>
            {
                if (MayLogIn)
                {
                    ConnectAgain(() => replyTo.Tell(new Restarting(_id)));
                }
                else
                {
                    // Deleted or logged out while the write was in flight: nothing to connect.
                    replyTo.Tell(new ConnectRefused(_id, _status == SessionStatus.Deleted ? ConnectRefusal.Deleted : ConnectRefusal.NotLinked));
                }
            });
    }

    private void OnLogout(Logout command)
    {
        if (!_exists)
        {
            Sender.Tell(new NotFound(_id));
            return;
        }

        if (_status == SessionStatus.Deleted)
        {
            Sender.Tell(new LogoutRefused(_id, LogoutRefusal.Deleted));
            return;
        }

        if (_status == SessionStatus.LoggedOut)
        {
            // Already logged out: wipe again (nothing to delete unless an earlier delete failed) and answer with the outcome.
            _awaitingWipe.Add(Sender);
            Keys().Tell(SessionKeysActor.Wipe.Instance);
            return;
        }

        if (_registration?.DeviceJid is not { } deviceJid)
        {
            Sender.Tell(new LogoutRefused(_id, LogoutRefusal.NotLinked));
            return;
        }

        if (_pendingLogout is { } pending)
        {
            _pendingLogout = pending with { Waiters = pending.Waiters.Add(Sender) };
            return;
        }

        if (_phase == LinkPhase.Online && _connection is not null)
        {
            // As whatsmeow and Baileys do: the companion removes itself from the account, then forgets its keys. The
            // answer comes back as a message: the iq's callback may run inside OnOffline, in the middle of a loss.
            _pendingLogout = new PendingLogout([Sender]);
            var self = Self;
            SendIq(id => RemoveCompanionDevice.Request(id, deviceJid), outcome => self.Tell(new LogoutAnswered(outcome)));
            Timers.StartSingleTimer(LogoutUnanswered.Instance, LogoutUnanswered.Instance, LogoutAnswerTimeout);
            SessionEndLog.LogoutSent(_logger, _id.Value);
            return;
        }

        _awaitingWipe.Add(Sender);
        LogOut(LogoutReason.UserInitiated, "logged out locally (not connected)");
    }

    private void OnLogoutAnswered(LogoutAnswered answered)
    {
        if (_pendingLogout is null)
        {
            // The logout already happened (the connection ended first, or the wait timed out).
            return;
        }

        if (answered.Outcome is not IqAnswered)
        {
            SessionEndLog.LogoutUnconfirmed(_logger, _id.Value, answered.Outcome.ToString());
        }

        LogOut(LogoutReason.UserInitiated, "remove-companion-device: " + answered.Outcome.GetType().Name);
    }

    /// <summary>
    /// Logged out: the connection (if any) closes and its loss is ignored, LoggedOut and its reason are written, then the
    /// data key is wiped; those waiting are answered once the wipe is done.
    /// </summary>
    private void LogOut(LogoutReason reason, string detail)
    {
        Timers.Cancel(Reconnect.Instance);
        Timers.Cancel(LogoutUnanswered.Instance);
        if (_status == SessionStatus.Deleted)
        {
            // Deleted while a logout waited for its answer: the keys went with the delete; nothing more to write.
            foreach (var waiter in _pendingLogout?.Waiters ?? [])
            {
                waiter.Tell(new LogoutRefused(_id, LogoutRefusal.Deleted));
            }

            _pendingLogout = null;
            return;
        }

        if (_pendingLogout is { } pending)
        {
            _awaitingWipe.AddRange(pending.Waiters);
            _pendingLogout = null;
        }

        var connection = _connection;
        _connection = null;
        _phase = LinkPhase.None;
        _connectedAt = null;
        if (connection is not null)
        {
            connection.Tell(Close.Instance);
            OnOffline();
        }

        _dataKey = null;
        // Live ratchets hold the old identity's sessions and a box under the key being wiped: they go with it.
        foreach (var child in Context.GetChildren())
        {
            if (child.Path.Name.StartsWith("ratchet-", StringComparison.Ordinal))
            {
                Context.Stop(child);
            }
        }

        _ratchets = null;
        SessionEndLog.LoggedOut(_logger, _id.Value, reason, detail);

        // Sends still queued fail in the same write: after a new link (perhaps to another account) they must not go out.
        var writes = new List<IMessage> { Record(new LoggedOutBody(reason)), Record(new SessionStatusChangedBody(SessionStatus.LoggedOut)) };
        foreach (var entry in _outbound)
        {
            writes.Add(new OutboundSettled { MessageId = entry.MessageId });
            writes.Add(Record(new MessageStatusBody(entry.MessageId, entry.To.ToString(), MessageDelivery.Failed, null, "the session logged out")));
        }

        var remaining = writes.Count;
        PersistAll(writes, stored =>
        {
            switch (stored)
            {
                case OutboundSettled settled:
                    ApplySettled(settled.MessageId);
                    break;
                case SessionEventRecord record:
                    ApplyEvent(record);
                    break;
            }

            if (--remaining == 0)
            {
                Keys().Tell(SessionKeysActor.Wipe.Instance);
            }
        });
    }

    /// <summary>The next domain event's stored form, its sequence taken now (the write follows in the same handler).</summary>
    private SessionEventRecord Record(SessionEventBody body)
    {
        var record = NextEvent(body).ToRecord();
        _lastEventSequence = record.Sequence;
        return record;
    }

    /// <summary>A remove-companion-device sent and not yet answered: who waits for the logout.</summary>
    private sealed record PendingLogout(ImmutableList<IActorRef> Waiters);

    /// <summary>The server's answer to remove-companion-device, or why there is none (a message to self).</summary>
    private sealed record LogoutAnswered(IqOutcome Outcome);

    /// <summary>The server did not answer remove-companion-device in time (a timer message to self).</summary>
    private sealed record LogoutUnanswered
    {
        public static LogoutUnanswered Instance { get; } = new();
    }
}
