using System.Text;
using Akka.Actor;
using Akka.Persistence;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Signal;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using static SessionCluster.Sessions.Ratchets.RatchetProtocol;

namespace SessionCluster.Sessions.Ratchets;

/// <summary>
/// The Signal ratchet with one contact device, a child of the session and a persistent actor
/// (<c>ratchet-{session}-{device}</c>). Each step is a <see cref="RatchetStored"/> event, written before its answer
/// leaves: a ciphertext never goes out on a ratchet step that could be lost, and a plaintext is never handed over on one
/// that could be replayed. An inbound decrypt stores its plaintext (sealed) in its event, so a copy the server
/// redelivers after a crash between this write and the session's is answered from it rather than failing on a used
/// message key. A snapshot every <see cref="SnapshotEvery"/> events bounds recovery; older events are then deleted.
///
/// Steps are written in batches: every request already in the mailbox is served on the newest state, and the steps
/// they make go to the journal as one atomic write (<see cref="WriteSteps"/>, asynchronous), in which only the last
/// event carries the whole sealed record. Every answer still waits for the write of its step. A write that fails or is
/// rejected stops the actor, so no answer ever rests on a state the journal does not hold; the session fails what was
/// pending on it.
/// </summary>
public sealed class DeviceRatchetActor : ReceivePersistentActor
{
    private const int SnapshotEvery = 200;

    private readonly SessionId _session;
    private readonly Jid _device;
    private readonly SecretBox _secrets;
    private readonly ILogger _logger;
    private readonly byte[] _context;
    private readonly RecentPlaintexts _recent = new();
    private readonly List<(RatchetStored Event, Action Then)> _unwritten = [];
    private SessionRecord _record = SessionRecord.Empty;
    private ByteString? _recoveredRecord;

    public DeviceRatchetActor(SessionId session, Jid device, SecretBox secrets, ILogger logger, TimeSpan idleAfter)
    {
        _session = session;
        _device = device;
        _secrets = secrets;
        _logger = logger;
        _context = Encoding.UTF8.GetBytes(PersistenceIdOf(session, device));

        Recover<SnapshotOffer>(offer => RecoverSnapshot((RatchetSnapshot)offer.Snapshot));
        Recover<RatchetStored>(RecoverStored);
        Recover<RecoveryCompleted>(_ => OpenRecovered());
        Command<Decrypt>(OnDecrypt);
        Command<Encrypt>(OnEncrypt);
        Command<WriteSteps>(_ => OnWriteSteps());
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new Idle(_device)));
        Command<SaveSnapshotSuccess>(saved => DeleteMessages(saved.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(failed => RatchetLog.SnapshotFailed(_logger, _session.Value, _device.ToString(), failed.Cause.GetType().Name));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failed => RatchetLog.SnapshotFailed(_logger, _session.Value, _device.ToString(), failed.Cause.GetType().Name));
        Context.SetReceiveTimeout(idleAfter);
    }

    public override string PersistenceId => PersistenceIdOf(_session, _device);

    /// <summary>The in-memory record is already past a step the journal refused: stop rather than answer from it.</summary>
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        Context.Stop(Self);
    }

    public static string PersistenceIdOf(SessionId session, Jid device) => $"ratchet-{session.Value}-{device}";

    public static Props Props(SessionId session, Jid device, SecretBox secrets, ILogger logger, TimeSpan idleAfter) =>
        Akka.Actor.Props.Create(() => new DeviceRatchetActor(session, device, secrets, logger, idleAfter));

    private void RecoverSnapshot(RatchetSnapshot snapshot)
    {
        _recoveredRecord = snapshot.SealedRecord;
        _recent.Restore(snapshot.Recent);
    }

    private void RecoverStored(RatchetStored stored)
    {
        // Only the last record matters; it is opened once, at the end of recovery. A step written in a batch but not
        // last carries no record (the batch's last one has the state after all of them).
        if (!stored.SealedRecord.IsEmpty)
        {
            _recoveredRecord = stored.SealedRecord;
        }

        if (stored.MessageId.Length > 0)
        {
            _recent.Remember(stored.MessageId, stored.SealedPlaintext);
        }
    }

    private void OpenRecovered()
    {
        if (_recoveredRecord is { } sealedRecord)
        {
            _recoveredRecord = null;
            byte[] plain;
            try
            {
                plain = _secrets.Open(sealedRecord.Span, _context);
            }
            catch (SecretsException e) when (e.Failure == SecretsFailure.WrongKey)
            {
                // Sealed under a session data key that was wiped (a logout, then a new link with new keys): that ratchet
                // belonged to the old identity and can never open again; this device starts without a session.
                Flows.SessionEndLog.ShreddedRatchetDropped(_logger, _session.Value, _device.ToString());
                _recent.Clear();
                return;
            }

            _record = SessionRecord.Deserialize(plain);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(plain);
        }
    }

    private void OnDecrypt(Decrypt request)
    {
        var replyTo = Sender;
        if (_recent.TryGet(request.MessageId, out var sealedPlaintext))
        {
            // A redelivery of a message this ratchet already decrypted: the stored plaintext, no ratchet step.
            replyTo.Tell(new Decrypted(_device, request.MessageId, _secrets.Open(sealedPlaintext.Span, _context), null));
            return;
        }

        DecryptResult result;
        try
        {
            result = SessionCipher.Decrypt(_record, request.Identity, request.Ciphertext, request.PreKeys);
        }
        catch (SignalDecryptException e)
        {
            replyTo.Tell(new DecryptFailed(_device, request.MessageId, e.Failure, e.Message));
            return;
        }

        var before = _record.RemoteIdentityKey;
        var identityChanged = !before.IsEmpty && !before.Span.SequenceEqual(result.Record.RemoteIdentityKey.Span);
        var sealedText = ByteString.CopyFrom(_secrets.Seal(result.Plaintext, _context));
        Store(result.Record, request.MessageId, sealedText, () =>
        {
            _recent.Remember(request.MessageId, sealedText);
            replyTo.Tell(new Decrypted(_device, request.MessageId, result.Plaintext, result.ConsumedPreKeyId, identityChanged));
        });
    }

    private void OnEncrypt(Encrypt request)
    {
        var replyTo = Sender;
        var record = _record;
        try
        {
            if (request.Bundle is { } bundle)
            {
                record = SessionBuilder.ProcessBundle(record, request.Identity, bundle);
            }
            else if (!record.HasCurrentSession)
            {
                replyTo.Tell(new EncryptFailed(_device, request.MessageId, NoSession: true, "no open session"));
                return;
            }
        }
        catch (InvalidPreKeyBundleException e)
        {
            replyTo.Tell(new EncryptFailed(_device, request.MessageId, NoSession: false, "the prekey bundle was refused: " + e.Failure));
            return;
        }

        var encrypted = SessionCipher.Encrypt(record, request.Identity, request.Plaintext);
        Store(encrypted.Record, null, null, () => replyTo.Tell(new Encrypted(_device, request.MessageId, encrypted.Message)));
    }

    /// <summary>
    /// Makes <paramref name="record"/> current for the requests that follow and queues its step (and an inbound
    /// plaintext) for the next write; <paramref name="then"/> runs once that write is durable.
    /// </summary>
    private void Store(SessionRecord record, string? messageId, ByteString? sealedPlaintext, Action then)
    {
        var stored = new RatchetStored();
        if (messageId is not null)
        {
            stored.MessageId = messageId;
            stored.SealedPlaintext = sealedPlaintext;
        }

        _record = record;
        _unwritten.Add((stored, then));
        if (_unwritten.Count == 1)
        {
            // Behind every request already in the mailbox: the steps they make go into the same write.
            Self.Tell(WriteSteps.Instance);
        }
    }

    /// <summary>
    /// Writes the queued steps as one atomic write. Only the last carries the sealed record (the state after all of
    /// them; recovery keeps the last record it reads), so a batch seals and serializes the record once.
    /// </summary>
    private void OnWriteSteps()
    {
        var steps = _unwritten.ToList();
        _unwritten.Clear();
        var serialized = _record.Serialize();
        var last = steps[^1].Event;
        last.SealedRecord = ByteString.CopyFrom(_secrets.Seal(serialized, _context));
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(serialized);
        // The handler runs once per event, in order.
        var written = 0;
        var crossedSnapshot = false;
        PersistAllAsync(steps.Select(s => s.Event), _ =>
        {
            steps[written++].Then();
            crossedSnapshot |= LastSequenceNr % SnapshotEvery == 0;
            if (written == steps.Count && crossedSnapshot)
            {
                var snapshot = new RatchetSnapshot { SealedRecord = last.SealedRecord };
                snapshot.Recent.AddRange(_recent.ToSnapshot());
                SaveSnapshot(snapshot);
            }
        });
    }

    /// <summary>To self: write the steps queued since the last write.</summary>
    private sealed record WriteSteps
    {
        public static WriteSteps Instance { get; } = new();
    }
}
