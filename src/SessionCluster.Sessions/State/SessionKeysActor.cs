using System.Text;
using Akka.Actor;
using Akka.Persistence;
using Microsoft.Extensions.Logging;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions.State;

/// <summary>
/// A session's own data key, in its own small journal (persistence id <c>session-keys-{id}</c>), child of the
/// <see cref="SessionActor"/>. The session seals its registration (and later its ratchet states) under this key; the key
/// itself is stored sealed under the node key. Wiping is deleting this journal: what was sealed under the key stays in
/// the session's log, next to the domain events that must stay, and can never be opened again (crypto-shredding).
/// </summary>
/// <remarks>
/// Why a separate journal: Akka deletes a log only from its start up to a sequence number, and the session's log starts
/// with its domain events; one key in a log of its own can go alone. After a wipe a new key may be made (a new link); it
/// is a later event of the same journal, and recovery takes the last one.
///
/// Rotation: a key recovered from under a previous node key is stored again under the current one before the session
/// hears <see cref="Recovered"/> (so the session does not stop this actor mid-write), and the older events are deleted,
/// so the journal keeps no copy under the key the operator means to remove.
/// </remarks>
internal sealed class SessionKeysActor : ReceivePersistentActor
{
    private readonly SessionId _id;
    private readonly SessionActorDependencies _dependencies;
    private readonly ILogger _logger;
    private readonly byte[] _sealContext;
    private readonly IActorRef _session;
    private readonly List<IActorRef> _awaitingWipe = [];

    private SecretKey? _key;
    private SecretsException? _failure;
    private bool _underPreviousKey;
    private long _resealDeletingTo = -1;

    public SessionKeysActor(SessionId id, SessionActorDependencies dependencies, IActorRef session)
    {
        _id = id;
        _dependencies = dependencies;
        _session = session;
        _logger = dependencies.Loggers.CreateLogger<SessionKeysActor>();
        _sealContext = Encoding.UTF8.GetBytes("session-keys:" + id.Value);

        Recover<SessionDataKeyStored>(OnKeyRecovered);
        Recover<RecoveryCompleted>(_ => OnRecoveryCompleted());

        Command<EnsureKey>(_ => OnEnsureKey());
        Command<Wipe>(_ => OnWipe());
        Command<Reseal>(_ => OnReseal());
        Command<DeleteMessagesSuccess>(deleted => deleted.ToSequenceNr == _resealDeletingTo, _ => ResealDone(null));
        Command<DeleteMessagesFailure>(failed => failed.ToSequenceNr == _resealDeletingTo, failed => ResealDone(failed.Cause));
        Command<DeleteMessagesSuccess>(_ =>
        {
            SessionEndLog.KeyWiped(_logger, _id.Value);
            Wiped(null);
        });
        Command<DeleteMessagesFailure>(failure => Wiped(failure.Cause));
    }

    public override string PersistenceId => PersistenceIdOf(_id);

    public static string PersistenceIdOf(SessionId id) => $"session-keys-{id.Value}";

    public static Props Props(SessionId id, SessionActorDependencies dependencies, IActorRef session) =>
        Akka.Actor.Props.Create(() => new SessionKeysActor(id, dependencies, session));

    private string StaleItem => PersistenceId;

    private void OnKeyRecovered(SessionDataKeyStored stored)
    {
        _underPreviousKey = _dependencies.Secrets.NeedsReseal(stored.SealedKey.Span);
        try
        {
            var bytes = _dependencies.Secrets.Open(stored.SealedKey.Span, _sealContext);
            _key = SecretKey.FromBytes(bytes);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
            _failure = null;
        }
        catch (SecretsException e)
        {
            _key = null;
            _failure = e;
        }
    }

    private void OnRecoveryCompleted()
    {
        if (_key is not null && _underPreviousKey)
        {
            // Recovery handlers must not persist: the re-seal is the first command; Recovered follows it.
            _dependencies.StaleSeals.Found(StaleItem);
            Self.Tell(Reseal.Instance);
            return;
        }

        _session.Tell(new Recovered(_key, _failure));
    }

    /// <summary>The recovered key stored again under the current node key, then the older events deleted.</summary>
    private void OnReseal()
    {
        if (_key is not { } key)
        {
            // A wipe came first: the journal is being deleted anyway.
            _dependencies.StaleSeals.Forget(StaleItem);
            _session.Tell(new Recovered(_key, _failure));
            return;
        }

        Persist(Sealed(key), _ =>
        {
            _underPreviousKey = false;
            _dependencies.StaleSeals.Moved(StaleItem);
            SessionStateLog.DataKeyResealed(_logger, _id.Value, _dependencies.Secrets.CurrentKeyId);
            _resealDeletingTo = LastSequenceNr - 1;
            DeleteMessages(_resealDeletingTo);
        });
    }

    private void ResealDone(Exception? cause)
    {
        _resealDeletingTo = -1;
        if (cause is not null)
        {
            // The key under the current node key is the last event, which recovery takes: the older copy stays stored
            // but is no longer needed to open the session.
            SessionStateLog.ResealDeleteFailed(_logger, _id.Value, cause.GetType().Name);
        }

        _session.Tell(new Recovered(_key, _failure));
    }

    protected override void PostStop()
    {
        _dependencies.StaleSeals.Forget(StaleItem);
        base.PostStop();
    }

    private void OnEnsureKey()
    {
        var replyTo = Sender;
        if (_failure is not null)
        {
            replyTo.Tell(new KeyUnavailable(_failure));
            return;
        }

        if (_key is { } held)
        {
            replyTo.Tell(new KeyReady(held));
            return;
        }

        var key = SecretKey.Generate(_dependencies.Random);
        Persist(Sealed(key), _ =>
        {
            _key = key;
            replyTo.Tell(new KeyReady(key));
        });
    }

    /// <summary>The data key as stored: sealed under the node's current key.</summary>
    private SessionDataKeyStored Sealed(SecretKey key) => new()
    {
        SessionId = _id.Value,
        StoredAtUnixMs = _dependencies.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
        SealedKey = Google.Protobuf.ByteString.CopyFrom(_dependencies.Secrets.Seal(key.Bytes, _sealContext)),
    };

    private void OnWipe()
    {
        // Forgotten at once: from here on nothing in this process opens what the key sealed, whatever the delete does.
        _key = null;
        _failure = null;
        _awaitingWipe.Add(Sender);
        if (LastSequenceNr == 0)
        {
            Wiped(null);
            return;
        }

        DeleteMessages(LastSequenceNr);
    }

    private void Wiped(Exception? cause)
    {
        if (cause is not null)
        {
            SessionEndLog.KeyWipeFailed(_logger, _id.Value, cause);
        }

        foreach (var waiter in _awaitingWipe)
        {
            waiter.Tell(cause is null ? KeyWiped.Instance : new KeyWipeFailed(cause.GetType().Name + ": " + cause.Message));
        }

        _awaitingWipe.Clear();
    }

    /// <summary>To the session after recovery: the data key (null: none stored, or wiped), or why it cannot be opened.</summary>
    public sealed record Recovered(SecretKey? Key, SecretsException? Failure);

    /// <summary>To itself after recovery: store the key again under the current node key.</summary>
    private sealed record Reseal
    {
        public static Reseal Instance { get; } = new();
    }

    /// <summary>Answered <see cref="KeyReady"/> (the held key, or a new one once it is durable) or <see cref="KeyUnavailable"/>.</summary>
    public sealed record EnsureKey
    {
        public static EnsureKey Instance { get; } = new();
    }

    public sealed record KeyReady(SecretKey Key);

    /// <summary>The stored key is sealed under a node key this node does not hold (or was changed).</summary>
    public sealed record KeyUnavailable(SecretsException Failure);

    /// <summary>Forget the key and delete its journal. Answered <see cref="KeyWiped"/> or <see cref="KeyWipeFailed"/>.</summary>
    public sealed record Wipe
    {
        public static Wipe Instance { get; } = new();
    }

    public sealed record KeyWiped
    {
        public static KeyWiped Instance { get; } = new();
    }

    /// <summary>The journal refused the delete: the key is forgotten in memory but still stored; the next recovery wipes again.</summary>
    public sealed record KeyWipeFailed(string Reason);
}
