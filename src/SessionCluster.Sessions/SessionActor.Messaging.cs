using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Signal;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.Ratchets;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using static SessionCluster.Sessions.Connection.ConnectionProtocol;

namespace SessionCluster.Sessions;

/// <summary>
/// The session once logged in: what it sets up after <c>&lt;success&gt;</c> (prekeys on the server, passive off,
/// presence), how it routes what arrives (messages, receipts, notifications, iq answers, acks), and the state sending
/// and receiving share (one-time prekeys, the LID map, the device-list cache, the ratchet children). Receiving is in
/// <c>SessionActor.Receive.cs</c>, sending in <c>SessionActor.Send.cs</c>.
/// </summary>
public sealed partial class SessionActor
{
    private static readonly TimeSpan IqTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan IqSweep = TimeSpan.FromSeconds(5);

    private readonly DeviceListCache _deviceLists;
    private OneTimePreKeys _preKeys = OneTimePreKeys.Empty;
    private uint? _nextPreKeyId;
    private LidMap _lids = LidMap.Empty;
    private PendingIqs? _iqs;
    private RatchetChildren? _ratchets;
    private RatchetChildren? _groups;
    private bool _uploadingPreKeys;

    // At recovery: PreKeysGenerated and PreKeysConsumed in log order, until the box that opens them is known.
    private readonly List<Google.Protobuf.IMessage> _recoveredPreKeys = [];

    private RatchetChildren Ratchets => _ratchets ??= new RatchetChildren(
        "ratchet",
        (device, name) => StartWatched(DeviceRatchetActor.Props(_id, device, Sealing, _logger, _dependencies.Messaging.RatchetIdleAfter), name),
        _dependencies.Messaging.LiveRatchetCap);

    private RatchetChildren Groups => _groups ??= new RatchetChildren(
        "senderkeys",
        (group, name) => StartWatched(GroupSenderKeysActor.Props(_id, group, Sealing, _logger, _dependencies.Messaging.RatchetIdleAfter), name),
        _dependencies.Messaging.LiveRatchetCap);

    /// <summary>A child watched by the session, so one that stops with work pending fails that work (<see cref="OnChildTerminated"/>).</summary>
    private IActorRef StartWatched(Props props, string name)
    {
        var child = Context.ActorOf(props, name);
        Context.Watch(child);
        return child;
    }

    private void RecoverMessaging()
    {
        // Opened once the log is read and the session's data key is known (SessionActor.Keys.cs).
        Recover<PreKeysGenerated>(generated =>
        {
            _nextPreKeyId = generated.NextPrekeyId;
            _recoveredPreKeys.Add(generated);
        });
        Recover<PreKeysConsumed>(consumed => _recoveredPreKeys.Add(consumed));
        Recover<LidMappingLearned>(learned => _lids = _lids.Learn(learned.PhoneUser, learned.LidUser));
        Recover<SignedPreKeyRotated>(rotated => _stored = new StoredSeal(rotated.SealedRegistration.Memory, rotated.SealedUnderSessionKey));
        RecoverSending();
    }

    private void ReceiveMessaging()
    {
        Command<RatchetProtocol.Decrypted>(OnDecrypted);
        Command<RatchetProtocol.DecryptFailed>(OnDecryptFailed);
        Command<RatchetProtocol.Encrypted>(OnEncrypted);
        Command<RatchetProtocol.EncryptFailed>(OnEncryptFailed);
        Command<RatchetProtocol.Idle>(idle =>
        {
            if (Ratchets.Idle(idle.Device) is { } idleChild)
            {
                Context.Stop(idleChild);
            }
        });
        Command<GroupProtocol.DistributionProcessed>(OnDistributionProcessed);
        Command<GroupProtocol.GroupDecrypted>(OnGroupDecrypted);
        Command<GroupProtocol.GroupFailed>(OnGroupFailed);
        Command<GroupProtocol.GroupIdle>(idle =>
        {
            if (Groups.Idle(idle.Group) is { } idleChild)
            {
                Context.Stop(idleChild);
            }
        });
        Command<Terminated>(OnChildTerminated);
        Command<SweepIqs>(_ => _iqs?.Expire(_dependencies.Clock.GetUtcNow()));
        Command<RetryReceiptDue>(OnRetryReceiptDue);
        ReceiveSending();
    }

    /// <summary>The prekey events read at recovery, in order, opened with <paramref name="box"/>; a batch that does not open makes the session inert.</summary>
    private void OpenRecoveredPreKeys(SecretBox box)
    {
        foreach (var recovered in _recoveredPreKeys)
        {
            if (_secretsFailure is not null)
            {
                break;
            }

            switch (recovered)
            {
                case PreKeysGenerated generated:
                    try
                    {
                        _preKeys = _preKeys.AddSealed(generated, box, _sealContext);
                    }
                    catch (SecretsException e)
                    {
                        _secretsFailure = e;
                    }

                    break;
                case PreKeysConsumed consumed:
                    _preKeys = _preKeys.Remove(consumed.Ids);
                    break;
            }
        }

        _recoveredPreKeys.Clear();
    }

    /// <summary>Logged in (<c>&lt;success&gt;</c> is durable as Connected): prekeys, then passive off, presence, and the queued sends.</summary>
    private void OnLoggedIn()
    {
        _iqs = new PendingIqs(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3)), IqTimeout);
        Timers.StartPeriodicTimer(SweepIqs.Instance, SweepIqs.Instance, IqSweep);
        SendIq(PreKeys.CountQuery, outcome =>
        {
            if (outcome is IqAnswered answered && TryRead(() => PreKeys.ReadCount(answered.Result), out var count))
            {
                UploadPreKeysIfLow(count);
            }
            else
            {
                MessagingLog.IqFailed(_logger, _id.Value, "prekey count", outcome.ToString());
            }

            // Offline messages follow <active/>; they decrypt with the keys already stored, uploaded or not.
            SendIq(id => new Node("iq", [("id", id), ("xmlns", "passive"), ("type", "set"), ("to", "s.whatsapp.net")], [new Node("active")]), activated =>
            {
                if (activated is not IqAnswered)
                {
                    MessagingLog.IqFailed(_logger, _id.Value, "passive active", activated.ToString());
                }
            });
        });
        RotateSignedPreKeyIfDue();
        if (Settings.MarkOnline)
        {
            SendOnline(PresenceState.Available);
        }

        TrySendNext();
        SyncAppState(Protocol.AppState.AppStateCollections.All);
    }

    /// <summary>The connection is gone: nothing waiting on it can be answered.</summary>
    private void OnOffline()
    {
        Timers.Cancel(SweepIqs.Instance);
        var iqs = _iqs;
        _iqs = null;
        iqs?.FailAll("the connection ended");
        _uploadingPreKeys = false;
        AbandonInFlightSend();
        // Inbound messages in hand keep going (their ratchet steps are durable; a store write in flight completes) but
        // are receipted to no one: the server redelivers them, and the ratchets answer from their stored plaintexts.
        _inflight.Clear();
        _unpulled = null;
        _waitingForWindow.Clear();
    }

    /// <summary>
    /// A stanza while logged in. Each gets exactly one <see cref="NodeAck"/> (the connection hands over the next only
    /// then): a message that joins the inbound window at once, anything else when it is done.
    /// </summary>
    private void OnOnlineNode(Node node)
    {
        if (_iqs?.TryComplete(node) == true)
        {
            Ack();
            return;
        }

        if (!WaitsForWindow(node))
        {
            HandleOnlineNode(node);
        }
    }

    /// <summary>A stanza whose turn it is (see <see cref="WaitsForWindow"/>).</summary>
    private void HandleOnlineNode(Node node)
    {
        switch (node.Tag)
        {
            case "message":
                OnMessageStanza(node);
                return;
            case "receipt":
                OnReceiptStanza(node);
                return;
            case "ack" when node.GetOptionalString("class") == "message":
                OnMessageAck(node);
                break;
            case "notification" when node.GetOptionalString("type") == "encrypt" && node.GetOptionalChild("identity") is not null:
                OnIdentityNotification(node);
                return;
            case "notification":
                OnNotification(node);
                break;
            case "call":
                OnCallStanza(node);
                break;
            case "presence" or "chatstate":
                OnInboundPresence(node);
                break;
            case "ib" when node.GetOptionalChild("offline")?.GetOptionalInt("count") is { } backlog:
                // The server has delivered what waited while the session was away (§10); what follows is live.
                MessagingLog.OfflineBacklogDelivered(_logger, _id.Value, backlog);
                break;
            case "iq" when node.GetOptionalString("type") is "get" or "set" && node.GetOptionalChild("ping") is not null:
                _connection?.Tell(new SendNode(new Node("iq", [("id", node.GetOptionalString("id") ?? ""), ("to", "s.whatsapp.net"), ("type", "result")])));
                break;
            default:
                MessagingLog.Ignored(_logger, _id.Value, node.Tag, node.GetOptionalString("type") ?? "none");
                break;
        }

        Ack();
    }

    private void OnNotification(Node node)
    {
        if (PreKeys.ReadLowCountNotification(node) is { } count)
        {
            UploadPreKeysIfLow(count);
        }
        else if (node.GetOptionalString("type") == MediaRetryStanzas.NotificationType)
        {
            OnMediaRetryNotification(node);
        }
        else if (node.GetOptionalString("type") == "server_sync")
        {
            OnAppStateNotification(node);
        }
        else if (node.GetOptionalString("type") == "w:gp2")
        {
            OnGroupNotification(node);
            return;
        }
        else if (node.GetOptionalString("type") == "devices" && node.GetOptionalJid("from") is { } user)
        {
            // The user's device list changed: the next send asks usync again (seed 004's stale cache).
            _deviceLists.Invalidate(user);
            if (_lids.Alternate(user.ToNonAd()) is { } other)
            {
                _deviceLists.Invalidate(other);
            }
        }

        _connection?.Tell(new SendNode(Receipts.Ack(node)));
    }

    /// <summary>
    /// A contact's identity changed (§7: the client forgets that user's sessions): the event is written, the user's
    /// device list is asked again at the next send; its ratchets are replaced as new sessions come (a pkmsg from it, or
    /// its retry receipt with keys). Then the notification is acked.
    /// </summary>
    private void OnIdentityNotification(Node node)
    {
        if (node.GetOptionalJid("from") is not { } from || from.IsGroup || !(from.IsPhoneNumber || from.IsLid))
        {
            _connection?.Tell(new SendNode(Receipts.Ack(node)));
            Ack();
            return;
        }

        var user = from.ToNonAd();
        _deviceLists.Invalidate(user);
        if (_lids.Alternate(user) is { } other)
        {
            _deviceLists.Invalidate(other);
        }

        MessagingLog.IdentityChanged(_logger, _id.Value, user.ToString());
        var connection = _connection;
        PersistEvents([new ContactIdentityChangedBody(user.ToString(), IdentityChangeSource.Notification)], () =>
        {
            connection?.Tell(new SendNode(Receipts.Ack(node)));
            connection?.Tell(NodeAck.Instance);
        });
    }

    /// <summary>
    /// Rotates the signed prekey once it is older than <see cref="MessagingSettings.SignedPreKeyRotation"/>: the new
    /// registration (with the previous key kept) is durable before the server hears of the new key.
    /// </summary>
    private void RotateSignedPreKeyIfDue()
    {
        if (_registration is not { } registration
            || _dependencies.Clock.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(registration.SignedPreKey.TimestampMilliseconds) < _dependencies.Messaging.SignedPreKeyRotation)
        {
            return;
        }

        var rotated = registration.RotateSignedPreKey(_dependencies.Random, _dependencies.Clock);
        var (sealedRegistration, underSessionKey) = SealRegistration(rotated);
        var stored = new SignedPreKeyRotated
        {
            RotatedAtUnixMs = _dependencies.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
            SealedRegistration = sealedRegistration,
            SealedUnderSessionKey = underSessionKey,
        };
        Persist(stored, _ =>
        {
            _registration = rotated;
            MessagingLog.SignedPreKeyRotated(_logger, _id.Value, rotated.SignedPreKey.Id);
            SendIq(id => PreKeys.Rotate(id, rotated.SignedPreKey), outcome =>
            {
                if (outcome is not IqAnswered)
                {
                    // The server keeps handing out the previous key, which still decrypts; the next prekey upload carries the new one.
                    MessagingLog.IqFailed(_logger, _id.Value, "signed prekey rotation", outcome.ToString());
                }
            });
        });
    }

    /// <summary>Generates a batch, makes it durable, then uploads it; one upload at a time.</summary>
    private void UploadPreKeysIfLow(int onServer)
    {
        if (onServer >= PreKeys.MinimumOnServer || _uploadingPreKeys || _registration is not { } registration)
        {
            return;
        }

        _uploadingPreKeys = true;
        var batch = OneTimePreKeys.Generate(_dependencies.Random, _nextPreKeyId ?? registration.NextPreKeyId, PreKeys.UploadBatch);
        var generated = OneTimePreKeys.Seal(batch, Sealing, _sealContext);
        MessagingLog.UploadingPreKeys(_logger, _id.Value, batch.Count, onServer);
        Persist(generated, _ =>
        {
            _nextPreKeyId = generated.NextPrekeyId;
            _preKeys = _preKeys.Add(batch);
            SendIq(id => PreKeys.Upload(id, registration, batch), outcome =>
            {
                _uploadingPreKeys = false;
                if (outcome is not IqAnswered)
                {
                    MessagingLog.IqFailed(_logger, _id.Value, "prekey upload", outcome.ToString());
                }
            });
        });
    }

    /// <summary>Sends an iq and runs <paramref name="then"/> in the actor with its outcome (unanswered at once when offline).</summary>
    private void SendIq(Func<string, Node> build, Action<IqOutcome> then)
    {
        if (_iqs is null || _connection is null)
        {
            then(new IqUnanswered("not connected"));
            return;
        }

        _connection.Tell(new SendNode(_iqs.Register(build, _dependencies.Clock.GetUtcNow(), then)));
    }

    /// <summary>Persists the LID ↔ PN pairs not known yet (no write when all are), then runs <paramref name="then"/>.</summary>
    private void LearnLids(IEnumerable<(Jid Phone, Jid Lid)> pairs, Action then)
    {
        var learned = pairs
            .Where(p => p.Phone.IsPhoneNumber && p.Lid.IsLid && !_lids.Knows(p.Phone.User, p.Lid.User))
            .Select(p => new LidMappingLearned { PhoneUser = p.Phone.User, LidUser = p.Lid.User })
            .DistinctBy(l => l.PhoneUser)
            .ToList();
        if (learned.Count == 0)
        {
            then();
            return;
        }

        var remaining = learned.Count;
        PersistAll(learned, stored =>
        {
            _lids = _lids.Learn(stored.PhoneUser, stored.LidUser);
            if (--remaining == 0)
            {
                then();
            }
        });
    }

    /// <summary>Whether <paramref name="jid"/> is a device or the user of this session's own account (PN or LID form).</summary>
    private bool IsOwnAccount(Jid jid) =>
        (_registration?.DeviceJid is { } device && Jid.Parse(device).User == jid.User && jid.IsPhoneNumber)
        || (_registration?.Lid is { } lid && Jid.Parse(lid).User == jid.User && jid.IsLid);

    /// <summary>This device's number (the <c>:N</c> of its jid).</summary>
    private ushort OwnDeviceNumber => Jid.Parse(_registration!.DeviceJid!).Device;

    private LocalIdentity Identity => new(_registration!.IdentityKey, _registration.RegistrationId);

    private void OnChildTerminated(Terminated terminated)
    {
        if (_groups?.Terminated(terminated.ActorRef) is { Pending: > 0 } lostGroup)
        {
            MessagingLog.RatchetStopped(_logger, _id.Value, lostGroup.Device.ToString(), lostGroup.Pending);
            foreach (var work in _inflight.Where(w => w.Message.From.ToNonAd().Equals(lostGroup.Device) && w.Content is null && w.Failure is null).ToList())
            {
                Failed(work, "the group's sender keys could not be loaded", retry: true);
            }

            return;
        }

        if (_ratchets?.Terminated(terminated.ActorRef) is { Pending: > 0 } lost)
        {
            // A ratchet that stopped with work pending (its recovery failed): the requests fail instead of waiting forever.
            MessagingLog.RatchetStopped(_logger, _id.Value, lost.Device.ToString(), lost.Pending);
            OnRatchetLost(lost.Device);
        }
    }

    private void Ack() => _connection?.Tell(NodeAck.Instance);

    private static bool TryRead<T>(Func<T> read, out T value)
    {
        try
        {
            value = read();
            return true;
        }
        catch (FormatException)
        {
            value = default!;
            return false;
        }
    }

    /// <summary>Time to end iqs past their deadline (a periodic timer while logged in).</summary>
    private sealed record SweepIqs
    {
        public static SweepIqs Instance { get; } = new();
    }
}
