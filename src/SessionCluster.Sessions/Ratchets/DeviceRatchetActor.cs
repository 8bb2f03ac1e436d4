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
/// (<c>ratchet-{session}-{device}</c>). Each change is one <see cref="RatchetStored"/> event holding the whole sealed
/// record, written before the answer leaves: a ciphertext never goes out on a ratchet step that could be lost, and a
/// plaintext is never handed over on one that could be replayed. An inbound decrypt stores its plaintext (sealed) in
/// the same event, so a copy the server redelivers after a crash between this write and the session's is answered
/// from it rather than failing on a used message key. A snapshot every <see cref="SnapshotEvery"/> writes bounds
/// recovery; older events are then deleted.
///
/// The writes are asynchronous (<c>PersistAsync</c>): the next request is served on the new state while the previous
/// step is being written, and steps that queue up meanwhile go to the journal as one write. Every answer still waits for
/// its own step to be durable. A write that fails or is rejected stops the actor, so no answer ever rests on a state
/// the journal does not hold; the session fails what was pending on it.
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
        // Only the last record matters; it is opened once, at the end of recovery.
        _recoveredRecord = stored.SealedRecord;
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
    /// Makes <paramref name="record"/> current for the requests that follow and writes it (and an inbound plaintext);
    /// <paramref name="then"/> runs once that write is durable.
    /// </summary>
    private void Store(SessionRecord record, string? messageId, ByteString? sealedPlaintext, Action then)
    {
        var serialized = record.Serialize();
        var stored = new RatchetStored { SealedRecord = ByteString.CopyFrom(_secrets.Seal(serialized, _context)) };
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(serialized);
        if (messageId is not null)
        {
            stored.MessageId = messageId;
            stored.SealedPlaintext = sealedPlaintext;
        }

        _record = record;
        PersistAsync(stored, _ =>
        {
            then();
            if (LastSequenceNr % SnapshotEvery == 0)
            {
                var snapshot = new RatchetSnapshot { SealedRecord = stored.SealedRecord };
                snapshot.Recent.AddRange(_recent.ToSnapshot());
                SaveSnapshot(snapshot);
            }
        });
    }
}
