using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Persistence;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Signal;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using static SessionCluster.Sessions.Ratchets.GroupProtocol;

namespace SessionCluster.Sessions.Ratchets;

/// <summary>
/// The sender keys of one group's members' devices, as this companion received them: a child of the session and a
/// persistent actor (<c>senderkeys-{session}-{group}</c>). A distribution (SKDM) or a decrypted <c>skmsg</c> is one
/// <see cref="SenderKeysStored"/> event with that sender's whole record sealed, written before the answer; a decrypt
/// also stores its sealed plaintext so a redelivery after a crash is answered from it (the ratchet actors' rule).
/// Passivated like them.
/// </summary>
public sealed class GroupSenderKeysActor : ReceivePersistentActor
{
    private const int SnapshotEvery = 200;

    /// <summary>The record of our own sending key (other senders are device jids, which never look like this).</summary>
    private const string OwnSender = "own";

    private readonly SessionId _session;
    private readonly Jid _group;
    private readonly SecretBox _secrets;
    private readonly ILogger _logger;
    private readonly string _persistenceId;
    private readonly Dictionary<string, SenderKeyRecord> _records = [];
    private readonly Dictionary<string, ByteString> _recoveredRecords = [];
    private readonly RecentPlaintexts _recent = new();
    private readonly HashSet<string> _shared = new(StringComparer.Ordinal);
    private uint _sharedKeyId;

    public GroupSenderKeysActor(SessionId session, Jid group, SecretBox secrets, ILogger logger, TimeSpan idleAfter)
    {
        _session = session;
        _group = group;
        _secrets = secrets;
        _logger = logger;
        _persistenceId = PersistenceIdOf(session, group);

        Recover<SnapshotOffer>(offer =>
        {
            var snapshot = (SenderKeysSnapshot)offer.Snapshot;
            foreach (var sender in snapshot.Senders)
            {
                _recoveredRecords[sender.Sender] = sender.SealedRecord;
            }

            _recent.Restore(snapshot.Recent);
            if (snapshot.Shared is { } shared)
            {
                ApplyShared(shared);
            }
        });
        Recover<SenderKeyShared>(ApplyShared);
        Recover<SenderKeysStored>(stored =>
        {
            _recoveredRecords[stored.Sender] = stored.SealedRecord;
            if (stored.MessageId.Length > 0)
            {
                _recent.Remember(stored.MessageId, stored.SealedPlaintext);
            }
        });
        Recover<RecoveryCompleted>(_ =>
        {
            foreach (var (sender, sealedRecord) in _recoveredRecords)
            {
                _records[sender] = SenderKeyRecord.Deserialize(Open(sealedRecord, sender));
            }

            _recoveredRecords.Clear();
        });
        Command<ProcessDistribution>(OnDistribution);
        Command<DecryptGroupMessage>(OnDecrypt);
        Command<EncryptOwn>(OnEncryptOwn);
        Command<MarkShared>(OnMarkShared);
        Command<ShareOwn>(OnShareOwn);
        Command<ReceiveTimeout>(_ => Context.Parent.Tell(new GroupIdle(_group)));
        Command<SaveSnapshotSuccess>(saved => DeleteMessages(saved.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(failed => RatchetLog.SnapshotFailed(_logger, _session.Value, _group.ToString(), failed.Cause.GetType().Name));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failed => RatchetLog.SnapshotFailed(_logger, _session.Value, _group.ToString(), failed.Cause.GetType().Name));
        Context.SetReceiveTimeout(idleAfter);
    }

    public override string PersistenceId => _persistenceId;

    public static string PersistenceIdOf(SessionId session, Jid group) => $"senderkeys-{session.Value}-{group}";

    public static Props Props(SessionId session, Jid group, SecretBox secrets, ILogger logger, TimeSpan idleAfter) =>
        Akka.Actor.Props.Create(() => new GroupSenderKeysActor(session, group, secrets, logger, idleAfter));

    private void OnDistribution(ProcessDistribution request)
    {
        var replyTo = Sender;
        var sender = request.Sender.ToString();
        SenderKeyRecord record;
        try
        {
            record = GroupSessionBuilder.ProcessDistribution(_records.GetValueOrDefault(sender) ?? SenderKeyRecord.Empty, request.Distribution);
        }
        catch (SignalDecryptException e)
        {
            replyTo.Tell(new GroupFailed(_group, request.Sender, request.MessageId, e.Failure, e.Message));
            return;
        }

        Store(sender, record, null, null, () => replyTo.Tell(new DistributionProcessed(_group, request.Sender, request.MessageId)));
    }

    /// <summary>Our own key: the newest own state of the record kept under <see cref="OwnSender"/> (a new key starts an empty one).</summary>
    private void OnEncryptOwn(EncryptOwn request)
    {
        var replyTo = Sender;
        var distribution = GroupSessionBuilder.CreateDistribution(NeedsNewKey(request.Devices) ? SenderKeyRecord.Empty : _records[OwnSender]);
        var keyId = distribution.Record.NewestKeyId!.Value;
        var encrypted = GroupCipher.Encrypt(distribution.Record, request.Plaintext);
        var need = request.Broadcast
            ? [.. request.Devices]
            : request.Devices.Where(d => keyId != _sharedKeyId || !_shared.Contains(d.ToString())).ToList();
        Store(OwnSender, encrypted.Record, null, null, () =>
            replyTo.Tell(new OwnEncrypted(_group, request.MessageId, encrypted.Ciphertext, distribution.DistributionMessage, keyId, need)));
    }

    /// <summary>
    /// Whether our next message needs a new key: there is none, or a device that holds the current one is not among
    /// <paramref name="devices"/> (a member left or was removed, by us or another admin; a device was unlinked; a status
    /// audience got smaller), or the current one is not recorded as held at all (its SKDM may have gone out without the
    /// ack reaching us: a new key costs nothing more, as every device gets the SKDM either way).
    /// </summary>
    /// <remarks>
    /// Derived on every send from the durable holders record (<see cref="SenderKeyShared"/>) rather than from a "rotate
    /// this group" flag set by a membership change: a flag in memory is lost when the session restarts between a
    /// removal and the next send, and the removed member would keep reading; this needs no flag and cannot miss one.
    /// </remarks>
    private bool NeedsNewKey(IReadOnlyList<Jid> devices)
    {
        if (_records.GetValueOrDefault(OwnSender)?.NewestKeyId is not { } current || current != _sharedKeyId)
        {
            return true;
        }

        var now = devices.Select(d => d.ToString()).ToHashSet(StringComparer.Ordinal);
        return _shared.Any(d => !now.Contains(d));
    }

    private void OnMarkShared(MarkShared request)
    {
        var shared = new SenderKeyShared { KeyId = request.KeyId };
        shared.Devices.AddRange(request.Devices.Select(d => d.ToString()));
        Persist(shared, ApplyShared);
    }

    /// <summary>
    /// The SKDM of our current key for a device that asked again for a message of that key; recorded as a holder first,
    /// so no record says fewer devices hold the key than were given it. The record is unchanged (already durable).
    /// </summary>
    private void OnShareOwn(ShareOwn request)
    {
        var replyTo = Sender;
        var device = request.Device.ToString();
        if (_records.GetValueOrDefault(OwnSender) is not { NewestKeyId: { } current } record || current != request.KeyId
            || GroupSessionBuilder.CreateDistribution(record) is not { } distribution || !ReferenceEquals(distribution.Record, record))
        {
            replyTo.Tell(new OwnShare(_group, request.MessageId, request.Device, null));
            return;
        }

        var answer = new OwnShare(_group, request.MessageId, request.Device, distribution.DistributionMessage);
        if (_sharedKeyId == current && _shared.Contains(device))
        {
            replyTo.Tell(answer);
            return;
        }

        var shared = new SenderKeyShared { KeyId = current };
        shared.Devices.Add(device);
        Persist(shared, stored =>
        {
            ApplyShared(stored);
            replyTo.Tell(answer);
        });
    }

    private void ApplyShared(SenderKeyShared shared)
    {
        if (shared.KeyId != _sharedKeyId)
        {
            _shared.Clear();
            _sharedKeyId = shared.KeyId;
        }

        _shared.UnionWith(shared.Devices);
    }

    private void OnDecrypt(DecryptGroupMessage request)
    {
        var replyTo = Sender;
        var sender = request.Sender.ToString();
        if (_recent.TryGet(RecentKey(sender, request.MessageId), out var sealedPlaintext))
        {
            replyTo.Tell(new GroupDecrypted(_group, request.Sender, request.MessageId, Open(sealedPlaintext, sender)));
            return;
        }

        GroupDecryptResult result;
        try
        {
            result = GroupCipher.Decrypt(_records.GetValueOrDefault(sender) ?? SenderKeyRecord.Empty, request.Ciphertext);
        }
        catch (SignalDecryptException e)
        {
            replyTo.Tell(new GroupFailed(_group, request.Sender, request.MessageId, e.Failure, e.Message));
            return;
        }

        var sealedText = ByteString.CopyFrom(_secrets.Seal(result.Plaintext, SealContext(sender)));
        Store(sender, result.Record, request.MessageId, sealedText, () =>
        {
            _recent.Remember(RecentKey(sender, request.MessageId), sealedText);
            replyTo.Tell(new GroupDecrypted(_group, request.Sender, request.MessageId, result.Plaintext));
        });
    }

    private void Store(string sender, SenderKeyRecord record, string? messageId, ByteString? sealedPlaintext, Action then)
    {
        var serialized = record.Serialize();
        var stored = new SenderKeysStored { Sender = sender, SealedRecord = ByteString.CopyFrom(_secrets.Seal(serialized, SealContext(sender))) };
        CryptographicOperations.ZeroMemory(serialized);
        if (messageId is not null)
        {
            stored.MessageId = RecentKey(sender, messageId);
            stored.SealedPlaintext = sealedPlaintext;
        }

        Persist(stored, _ =>
        {
            _records[sender] = record;
            then();
            if (LastSequenceNr % SnapshotEvery == 0)
            {
                SaveSnapshot(Snapshot());
            }
        });
    }

    private SenderKeysSnapshot Snapshot()
    {
        var snapshot = new SenderKeysSnapshot();
        foreach (var (sender, record) in _records)
        {
            var serialized = record.Serialize();
            snapshot.Senders.Add(new SenderKeysStored { Sender = sender, SealedRecord = ByteString.CopyFrom(_secrets.Seal(serialized, SealContext(sender))) });
            CryptographicOperations.ZeroMemory(serialized);
        }

        snapshot.Recent.AddRange(_recent.ToSnapshot());
        snapshot.Shared = new SenderKeyShared { KeyId = _sharedKeyId };
        snapshot.Shared.Devices.AddRange(_shared);
        return snapshot;
    }

    private byte[] Open(ByteString sealedBytes, string sender) => _secrets.Open(sealedBytes.Span, SealContext(sender));

    /// <summary>The seal's context: this actor's persistence id and the sender, so a record cannot be moved to another sender.</summary>
    private byte[] SealContext(string sender) => Encoding.UTF8.GetBytes(_persistenceId + "|" + sender);

    private static string RecentKey(string sender, string messageId) => sender + "/" + messageId;
}
