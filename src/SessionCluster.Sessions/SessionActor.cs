using System.Text;
using Akka.Actor;
using Akka.Persistence;
using Microsoft.Extensions.Logging;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// One WhatsApp companion session: an entity of the <c>session</c> shard region and a persistent actor
/// (persistence id <c>session-{id}</c>). It owns the registration and the status; its log holds the state events
/// (<see cref="SessionCreated"/>, <see cref="SessionDeleted"/>) and the domain events the edge publishes
/// (<see cref="SessionEventRecord"/>, gapless sequence 1..n), each change and its event in one atomic write, and
/// every reply is sent only after that write is durable.
///
/// Secrets: the registration is sealed (<see cref="SecretBox"/>, under the session's own data key kept by its
/// <see cref="SessionKeysActor"/> child; older sessions under the node key) before it is persisted and opened at the end
/// of recovery. Logging out or deleting wipes the data key, so what it sealed never opens again. When
/// it cannot be opened (wrong key, changed bytes) the actor logs that once and stays alive but inert, answering status
/// queries with the failure and every other command with <see cref="Unavailable"/>. It does not stop: a
/// remembered entity that stops is started again by its shard, which would be a loop of failed recoveries.
/// </summary>
public sealed partial class SessionActor : ReceivePersistentActor, IWithTimers
{
    private readonly SessionId _id;
    private readonly SessionActorDependencies _dependencies;
    private readonly ILogger _logger;
    private readonly byte[] _sealContext;

    private DateTimeOffset _createdAt;
    private bool _exists;
    private SessionStatus _status;
    private long _lastEventSequence;
    private Registration? _registration;
    private SessionOptions? _options;
    private SecretsException? _secretsFailure;

    public SessionActor(SessionId id, SessionActorDependencies dependencies)
    {
        _id = id;
        _dependencies = dependencies;
        _logger = dependencies.Loggers.CreateLogger<SessionActor>();
        _deviceLists = new DeviceListCache(dependencies.Messaging.DeviceListLifetime);
        // The session id is the seal's context: a sealed registration copied into another session's log does not open.
        _sealContext = Encoding.UTF8.GetBytes(id.Value);

        Recover<SessionCreated>(ApplyCreated);
        Recover<SessionEventRecord>(ApplyEvent);
        Recover<SessionLinked>(linked => _stored = new StoredSeal(linked.SealedRegistration.Memory, linked.SealedUnderSessionKey));
        Recover<SessionRegistrationRenewed>(renewed => _stored = new StoredSeal(renewed.SealedRegistration.Memory, UnderSessionKey: true));
        Recover<SessionDeleted>(_ => ApplyDeleted());
        RecoverMessaging();
        RecoverAppState();
        RecoverProxySet();
        Recover<RecoveryCompleted>(_ => RegisterWithFence(OnRecovered));

        Ready();
    }

    /// <summary>The commands of a session whose secrets are open (or that has none yet).</summary>
    private void Ready()
    {
        Command<Create>(OnCreate);
        Command<GetStatus>(_ => Sender.Tell(_exists ? new StatusReply(_id, View()) : new NotFound(_id)));
        Command<Delete>(OnDelete);
        Command<RecordStatusAfterRecovery>(OnRecordStatusAfterRecovery);
        ReceiveLinking();
        ReceiveEndings();
        ReceiveKeys();
        ReceiveMessaging();
        ReceiveProxy();
        ReceiveSettings();
        ReceivePresence();
        ReceiveContacts();
        ReceiveMedia();
        ReceiveMediaRetry();
        ReceiveGroups();
        ReceiveHistory();
        ReceiveAppState();
        ReceiveHandOff();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId => _id.PersistenceId;

    // crossnode: the node knows which sessions it hosts (SessionEventFeed.IsHosted), so per-session work runs on the owner only.
    protected override void PreStart() { base.PreStart(); _dependencies.Events.Hosted(_id); }

    // crossnode: see PreStart.
    protected override void PostStop()
    {
        _dependencies.Events.Released(_id);
        _dependencies.Metrics.Vitals.Released(_id);
        // What is still under a previous key is looked at again where the session starts next.
        _dependencies.StaleSeals.Forget(StaleProxyItem);
        _dependencies.StaleSeals.Forget(StaleRegistrationItem);
        base.PostStop();
    }

    public static Props Props(SessionId id, SessionActorDependencies dependencies) =>
        Akka.Actor.Props.Create(() => new SessionActor(id, dependencies));

    private void OnCreate(Create create)
    {
        if (_exists)
        {
            Sender.Tell(new AlreadyExists(_id, View()));
            return;
        }

        // The session's own data key is durable first; the registration is sealed under it (see SessionActor.Keys.cs).
        var replyTo = Sender;
        AwaitKey(replyTo, key =>
        {
            var now = _dependencies.Clock.GetUtcNow();
            var registration = Registration.Generate(_dependencies.Random, _dependencies.Clock);
            var created = new SessionCreated
            {
                SessionId = _id.Value,
                CreatedAtUnixMs = now.ToUnixTimeMilliseconds(),
                SealedRegistration = Google.Protobuf.ByteString.CopyFrom(registration.Seal(SessionBox(key), _sealContext)),
                SealedUnderSessionKey = true,
                Options = new SessionOptionsRecord
                {
                    DeviceName = create.Options.DeviceName,
                    Platform = create.Options.Platform,
                    OnlineOnConnect = create.Options.OnlineOnConnect,
                    SealedProxy = SealProxy(create.Options.Proxy),
                },
            };
            var statusEvent = NextEvent(new SessionStatusChangedBody(SessionStatus.Created)).ToRecord();
            PersistAll<Google.Protobuf.IMessage>([created, statusEvent], stored =>
            {
                switch (stored)
                {
                    case SessionCreated:
                        ApplyCreated(created, registration);
                        _proxy = create.Options.Proxy;
                        break;
                    case SessionEventRecord record:
                        ApplyEvent(record);
                        SessionStateLog.Created(_logger, _id.Value, registration.RegistrationId, _dependencies.Secrets.CurrentKeyId);
                        replyTo.Tell(new Created(_id, View()));
                        break;
                }
            });
        });
    }

    private void OnDelete(Delete delete)
    {
        if (MissingOrDeleted() is { } answer)
        {
            Sender.Tell(answer);
            return;
        }

        StopLinking();
        var deleted = new SessionDeleted { SessionId = _id.Value, DeletedAtUnixMs = _dependencies.Clock.GetUtcNow().ToUnixTimeMilliseconds() };
        var statusEvent = NextEvent(new SessionStatusChangedBody(SessionStatus.Deleted)).ToRecord();
        var replyTo = Sender;
        PersistAll<Google.Protobuf.IMessage>([deleted, statusEvent], stored =>
        {
            switch (stored)
            {
                case SessionDeleted:
                    ApplyDeleted();
                    break;
                case SessionEventRecord record:
                    ApplyEvent(record);
                    SessionStateLog.Deleted(_logger, _id.Value);
                    // A deleted session's keys are shredded too: nothing it sealed opens again.
                    _dataKey = null;
                    Keys().Tell(SessionKeysActor.Wipe.Instance);
                    replyTo.Tell(new Deleted(_id));
                    break;
            }
        });
    }

    /// <summary>
    /// The answer to a command that changes a session's configuration (Delete, SetProxy, UpdateSettings) when there is no
    /// session to change: <see cref="NotFound"/> for one never created, <see cref="Deleted"/> for a deleted one; else null.
    /// </summary>
    private Reply? MissingOrDeleted() =>
        !_exists ? new NotFound(_id) : _status == SessionStatus.Deleted ? new Deleted(_id) : null;

    /// <summary>The next domain event: sequence = the last stored one + 1, so the sequence has no gaps.</summary>
    private SessionEvent NextEvent(SessionEventBody body)
    {
        var at = _dependencies.Clock.GetUtcNow();
        return new SessionEvent(Guid.CreateVersion7(at), _id, _lastEventSequence + 1, at, body);
    }

    /// <summary>Recovery of the creation: the sealed registration is opened once recovery completes (it may need the session's key).</summary>
    private void ApplyCreated(SessionCreated created)
    {
        _stored = new StoredSeal(created.SealedRegistration.Memory, created.SealedUnderSessionKey);
        ApplyCreated(created, null);
        _storedProxy = created.Options.SealedProxy;
    }

    private void ApplyCreated(SessionCreated created, Registration? registration)
    {
        _exists = true;
        _createdAt = DateTimeOffset.FromUnixTimeMilliseconds(created.CreatedAtUnixMs);
        _registration = registration;
        _options = new SessionOptions(created.Options.DeviceName, created.Options.Platform, created.Options.OnlineOnConnect);
    }

    private void ApplyEvent(SessionEventRecord record)
    {
        _lastEventSequence = record.Sequence;
        if (!IsRecovering)
        {
            // Every persist of a domain event ends here, in its callback: the event is durable now.
            _dependencies.Events.Publish(SessionEvent.FromRecord(_id, record));
        }

        ApplyMessagingEvent(record);
        ApplySettingsEvent(record);
        ApplyPollEvent(record);
        if (record.BodyCase == SessionEventRecord.BodyOneofCase.StatusChanged)
        {
            _status = (SessionStatus)record.StatusChanged.Status;
            if (!IsRecovering)
            {
                _dependencies.Metrics.Vitals.Status(_id, _status);
            }

            if (_status == SessionStatus.LoggedOut)
            {
                // Logged out: the keys are wiped; a registration stored before can never be used again, nor the one-time
                // prekeys made for it, and a new link may be to another account.
                _registration = null;
                _stored = null;
                _preKeys = OneTimePreKeys.Empty;
                _recoveredPreKeys.Clear();
                _nextPreKeyId = null;
                _lids = LidMap.Empty;
                ForgetAppState();
            }
        }
    }

    private void ApplyDeleted()
    {
        // A deleted session's keys are no longer held in memory; its log keeps only the sealed form, and its data key is wiped.
        _registration = null;
        _stored = null;
        _secretsFailure = null;
    }

    /// <summary>After recovery and the opening of the registration (<see cref="OnRecovered"/>): the status a restart leaves, and connecting again.</summary>
    private void FinishRecovery()
    {
        if (_secretsFailure is { } failure)
        {
            SessionStateLog.SecretsUnreadable(_logger, _id.Value, failure.Failure, failure.Message);
            Become(Inert);
            return;
        }

        if (_proxyStale)
        {
            Self.Tell(ResealProxy.Instance);
        }

        // No connection survives a restart: a session stored as linking goes back to Created, one stored as connecting
        // or connected is Disconnected. Shown at once, and written as a status event (a message to self: recovery
        // handlers must not persist) so subscribers learn it too.
        SessionStatus? now = _status switch
        {
            SessionStatus.Linking => SessionStatus.Created,
            SessionStatus.Connecting or SessionStatus.Connected => SessionStatus.Disconnected,
            _ => null,
        };
        if (now is { } status)
        {
            _status = status;
            Self.Tell(new RecordStatusAfterRecovery(status));
        }

        if (_exists)
        {
            _dependencies.Metrics.Vitals.Status(_id, _status);
        }

        // A linked session connects again by itself; the message follows the status write in the mailbox.
        if (MayReconnect)
        {
            Self.Tell(Reconnect.Instance);
        }
    }

    private void OnRecordStatusAfterRecovery(RecordStatusAfterRecovery record)
    {
        // A command handled before this message (one that waited out the recovery: Logout, Delete) may have written a
        // newer status already; this one is then stale and must not overwrite it.
        if (_status == record.Status)
        {
            PersistEvents([new SessionStatusChangedBody(record.Status)], () => { });
        }
    }

    /// <summary>The status the session holds after recovery, to be written as its event (a message to self).</summary>
    private sealed record RecordStatusAfterRecovery(SessionStatus Status);

    /// <summary>The secrets cannot be opened: answer why, do nothing else, write nothing.</summary>
    private void Inert()
    {
        Command<GetStatus>(_ => Sender.Tell(new StatusReply(_id, View())));
        Command<IWithSessionId>(_ => Sender.Tell(new Unavailable(_id, _secretsFailure!.Failure, _secretsFailure.Message)));
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        SessionStateLog.PersistRejected(_logger, _id.Value, cause.GetType().Name);
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    private SessionStatusView View() => new(
        _id,
        _status,
        _createdAt,
        _registration?.RegistrationId,
        _registration is null ? null : Convert.ToHexStringLower(_registration.IdentityKey.PublicKey.Span),
        _registration?.DeviceJid,
        _lastEventSequence,
        _secretsFailure?.Failure,
        _secretsFailure?.Message,
        _registration?.Lid,
        _proxy?.ToString(),
        _options is null ? null : Settings);
}
