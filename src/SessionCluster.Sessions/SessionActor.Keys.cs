using Akka.Actor;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// The session's side of its own data key (<see cref="SessionKeysActor"/>, a child with its own journal): the
/// registration is sealed under it, so wiping it (logged out, deleted) leaves the sealed registration in this log
/// unreadable while the domain events stay. Sessions created before per-session keys keep their registration sealed
/// under the node key and still open (<c>sealed_under_session_key</c> false).
/// </summary>
public sealed partial class SessionActor
{
    private const string KeysChildPrefix = "keys-";

    // At recovery: the last stored sealed registration, opened once the log is read (and, if it needs it, the key is).
    private StoredSeal? _stored;
    private SecretKey? _dataKey;
    private readonly List<IActorRef> _awaitingWipe = [];

    // The key store runs only while it has something to answer: its recovery, an EnsureKey, a Wipe. Once every answer is
    // in, the session holds the key itself and the child stops, so an idle session carries no second persistent actor.
    // Each start gets a new name: a stopping child keeps its name until it is gone.
    private IActorRef? _keys;
    private int _keysOwed;
    private int _keysStarts;

    /// <summary>
    /// The key store child for one request the caller sends now (started and watched if it is not running: if it dies, a
    /// failed journal write, the session restarts). Every request is answered once; the child stops after the last answer.
    /// </summary>
    private IActorRef Keys()
    {
        var keys = StartKeys();
        _keysOwed++;
        return keys;
    }

    /// <summary>The running key store, or a new one, which owes its <see cref="SessionKeysActor.Recovered"/>.</summary>
    private IActorRef StartKeys()
    {
        if (_keys is { } running)
        {
            return running;
        }

        _keys = Context.ActorOf(SessionKeysActor.Props(_id, _dependencies, Self), KeysChildPrefix + (++_keysStarts).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Context.Watch(_keys);
        _keysOwed = 1;
        return _keys;
    }

    /// <summary>One answer from the key store; after the last one owed it is stopped (unwatched first: that stop is no failure).</summary>
    private void KeysAnswered()
    {
        if (_keys is not { } keys || --_keysOwed > 0)
        {
            return;
        }

        Context.Unwatch(keys);
        Context.Stop(keys);
        _keys = null;
    }

    private void ReceiveKeys()
    {
        Command<SessionKeysActor.KeyWiped>(_ => AnswerWipeWaiters(keysWiped: true));
        Command<SessionKeysActor.KeyWipeFailed>(_ => AnswerWipeWaiters(keysWiped: false));
        // A key store started only to finish a wipe reports its recovery too; nothing waits for it then.
        Command<SessionKeysActor.Recovered>(_ => KeysAnswered());
        Command<Terminated>(OnKeysTerminated, IsKeysChild);
    }

    private bool IsKeysChild(Terminated terminated) => terminated.ActorRef.Equals(_keys);

    private void OnKeysTerminated(Terminated terminated) =>
        throw new InvalidOperationException($"Session {_id}: its key store stopped (a journal write or read failed); the session restarts to recover it.");

    private void AnswerWipeWaiters(bool keysWiped)
    {
        KeysAnswered();
        foreach (var waiter in _awaitingWipe)
        {
            waiter.Tell(new LoggedOut(_id, keysWiped));
        }

        _awaitingWipe.Clear();
    }

    /// <summary>Runs <paramref name="then"/> with the session's data key, made and stored first if there is none; other commands wait.</summary>
    private void AwaitKey(IActorRef replyTo, Action<SecretKey> then)
    {
        if (_dataKey is { } held)
        {
            then(held);
            return;
        }

        Keys().Tell(SessionKeysActor.EnsureKey.Instance);
        // Stacked over the commands the constructor set up, and popped back to them: building Ready's handler table again
        // would keep a second copy of it (some 40 delegates) alive in every session.
        BecomeStacked(() =>
        {
            Command<SessionKeysActor.KeyReady>(ready =>
            {
                KeysAnswered();
                _dataKey = ready.Key;
                UnbecomeStacked();
                then(ready.Key);
                Stash.UnstashAll();
            });
            Command<SessionKeysActor.KeyUnavailable>(unavailable =>
            {
                KeysAnswered();
                _secretsFailure = unavailable.Failure;
                SessionStateLog.SecretsUnreadable(_logger, _id.Value, unavailable.Failure.Failure, unavailable.Failure.Message);
                replyTo.Tell(new Unavailable(_id, unavailable.Failure.Failure, unavailable.Failure.Message));
                Become(Inert);
                Stash.UnstashAll();
            });
            Command<Terminated>(OnKeysTerminated, IsKeysChild);
            CommandAny(_ => Stash.Stash());
        });
    }

    /// <summary>The registration sealed for the journal: under the data key when the session has one, else (an older session) under the node key.</summary>
    private (Google.Protobuf.ByteString Sealed, bool UnderSessionKey) SealRegistration(Registration registration) =>
        _dataKey is { } key
            ? (Google.Protobuf.ByteString.CopyFrom(registration.Seal(SessionBox(key), _sealContext)), true)
            : (Google.Protobuf.ByteString.CopyFrom(registration.Seal(_dependencies.Secrets, _sealContext)), false);

    private string StaleRegistrationItem => _id.PersistenceId + "/registration";

    private SecretBox SessionBox(SecretKey key) => new(key, _dependencies.Random);

    /// <summary>
    /// The box for the session's other secrets (one-time prekeys, ratchet records): seals under the data key when the
    /// session has one, and still opens what older builds sealed under the node key.
    /// </summary>
    private SecretBox Sealing => _dataKey is { } key ? _dependencies.Secrets.WithCurrent(key) : _dependencies.Secrets;

    /// <summary>
    /// The end of recovery for the keys: a logged-out or deleted session finishes a wipe a crash may have cut short;
    /// a registration sealed under the data key waits for the key store's recovery; an older one opens under the node key.
    /// </summary>
    private void OnRecovered()
    {
        OpenStoredProxy();
        if (_status is SessionStatus.LoggedOut or SessionStatus.Deleted)
        {
            _stored = null;
            _recoveredPreKeys.Clear();
            ForgetAppState();
            Keys().Tell(SessionKeysActor.Wipe.Instance);
            FinishRecovery();
            return;
        }

        if (_stored is { UnderSessionKey: true })
        {
            StartKeys();
            BecomeStacked(AwaitingRecoveredKey);
            return;
        }

        if (_stored is { } legacy && _dependencies.Secrets.NeedsReseal(legacy.Sealed.Span))
        {
            // A session from before per-session data keys: its registration, prekeys and ratchets are all under the node
            // key, in several journals; they are not moved (see docs/CONFIGURATION.md "Rotating the secrets key").
            _dependencies.StaleSeals.Found(StaleRegistrationItem);
            SessionStateLog.LegacyUnderPreviousKey(_logger, _id.Value);
        }

        OpenStored(_dependencies.Secrets);
        OpenRecoveredPreKeys(_dependencies.Secrets);
        OpenRecoveredAppStateKeys(_dependencies.Secrets);
        FinishRecovery();
    }

    private void AwaitingRecoveredKey()
    {
        Command<SessionKeysActor.Recovered>(recovered =>
        {
            KeysAnswered();
            if (recovered.Failure is { } failure)
            {
                _secretsFailure = failure;
            }
            else if (recovered.Key is { } key)
            {
                _dataKey = key;
                OpenStored(SessionBox(key));
                OpenRecoveredPreKeys(Sealing);
                OpenRecoveredAppStateKeys(Sealing);
            }
            else
            {
                // The key is gone but the log does not say logged out: a wipe whose LoggedOut write was lost. Nothing
                // can open the registration again, so the session is logged out now.
                SessionEndLog.KeyMissing(_logger, _id.Value);
                _stored = null;
                _recoveredPreKeys.Clear();
                ForgetAppState();
                _registration = null;
                _status = SessionStatus.LoggedOut;
                Self.Tell(new RecordStatusAfterRecovery(SessionStatus.LoggedOut));
            }

            UnbecomeStacked();
            FinishRecovery();
            Stash.UnstashAll();
        });
        Command<Terminated>(OnKeysTerminated, IsKeysChild);
        CommandAny(_ => Stash.Stash());
    }

    private void OpenStored(SecretBox box)
    {
        if (_stored is not { } stored)
        {
            return;
        }

        _stored = null;
        try
        {
            _registration = Registration.Open(box, stored.Sealed.Span, _sealContext);
        }
        catch (SecretsException e)
        {
            _registration = null;
            _secretsFailure = e;
        }
    }

    /// <summary>A logged-out session links again with a fresh registration under a fresh data key, written with status Linking in one write.</summary>
    private void RenewRegistrationThenLink(IActorRef replyTo) => AwaitKey(replyTo, key =>
    {
        var registration = Registration.Generate(_dependencies.Random, _dependencies.Clock);
        var renewed = new SessionRegistrationRenewed
        {
            SessionId = _id.Value,
            RenewedAtUnixMs = _dependencies.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
            SealedRegistration = Google.Protobuf.ByteString.CopyFrom(registration.Seal(SessionBox(key), _sealContext)),
        };
        var statusEvent = NextEvent(new SessionStatusChangedBody(SessionStatus.Linking)).ToRecord();
        PersistAll<Google.Protobuf.IMessage>([renewed, statusEvent], stored =>
        {
            switch (stored)
            {
                case SessionRegistrationRenewed:
                    _registration = registration;
                    break;
                case SessionEventRecord record:
                    ApplyEvent(record);
                    StartPairing(replyTo);
                    break;
            }
        });
    });

    /// <summary>A sealed registration as stored, and whether the session's data key (not the node key) sealed it.</summary>
    private sealed record StoredSeal(ReadOnlyMemory<byte> Sealed, bool UnderSessionKey);
}
