using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator.Phone;

/// <summary>
/// Device 0 of one account: the phone the simulator plays. It reads what the relay delivers to it (1:1 <c>pkmsg</c>/<c>msg</c>,
/// group <c>skmsg</c> with sender-key distribution, <c>deviceSentMessage</c> copies from the account's own companions) and
/// sends text as a WhatsApp client does (docs/PROTOCOL.md §9), with the project's Signal engine.
/// </summary>
/// <remarks>
/// <para><b>Identity.</b> The phone's Signal identity is the account's identity key (<see cref="Account.Identity"/>), which is
/// also the ADV account key: Baileys stores the pair-success account key as device 0's identity, so the two must be one key.</para>
/// <para><b>State.</b> Sessions (per sender device, keyed by account and device id so PN and LID addressing share one
/// session) and sender keys are immutable engine records swapped under one lock; the lock is never held across a relay call,
/// because the relay may deliver to this same phone (a receipt) while a send is in flight.</para>
/// <para><b>No device identity.</b> A companion's <c>pkmsg</c> carries its <c>&lt;device-identity&gt;</c> (its
/// ADVSignedDeviceIdentity). The phone is the primary device: it signs companions' identities and has none of its own, so its
/// stanzas and retry <c>&lt;keys&gt;</c> carry no <c>&lt;device-identity&gt;</c> (Baileys' receive path does not ask for one).</para>
/// <para><b>Failures.</b> A stanza that does not decrypt (no session, bad MAC, unknown prekey, bad padding or protobuf) gets a
/// retry receipt (docs/PROTOCOL.md §10), with <c>&lt;keys&gt;</c> (a fresh one-time prekey and the signed prekey) from the second retry on
/// or when the phone has no session to repair; after <see cref="MaxRetries"/> retries the phone gives up, as Baileys does.</para>
/// </remarks>
internal sealed partial class Phone
{
    /// <summary>Retry receipts sent for one message before the phone gives up (Baileys maxMsgRetryCount).</summary>
    public const int MaxRetries = 5;

    /// <summary>Sent messages kept for resending on a retry receipt (whatsmeow keeps 256).</summary>
    public const int RecentMessages = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<DeviceKey, SessionRecord> _sessions = [];
    private readonly Dictionary<(string Group, DeviceKey Sender), SenderKeyRecord> _senderKeys = [];
    private readonly Dictionary<string, SenderKeyRecord> _ownSenderKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _retries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SentMessage> _sent = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _sentOrder = new();
    private readonly PhoneDirectory _directory;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;

    public Phone(Account account, PhoneDirectory directory, TimeProvider clock, ILogger logger)
    {
        Account = account;
        _directory = directory;
        _clock = clock;
        _logger = logger;
        Keys = new PhoneKeys(account.Identity.IdentityKey, account.RegistrationId, clock, account.ReservePhonePreKeyIds);
    }

    public Account Account { get; }

    public PhoneKeys Keys { get; }

    public PhoneInbox Inbox { get; } = new();

    /// <summary>Whether the phone holds an open session with that device of that account.</summary>
    public bool HasSession(Account peer, int device)
    {
        lock (_lock)
        {
            return _sessions.TryGetValue(new DeviceKey(peer.Phone, device), out var record) && record.HasCurrentSession;
        }
    }

    /// <summary>The phone's bundle for a bundle fetch, consuming one one-time prekey.</summary>
    public Node TakeBundle(Jid deviceJid)
    {
        var preKey = Keys.TakePreKey();
        return PreKeyBundleNode.Build(deviceJid, new PreKeyBundle(
            Keys.Identity.RegistrationId,
            Keys.Identity.IdentityKey.PublicKey,
            Keys.SignedPreKey.Id,
            Keys.SignedPreKey.KeyPair.PublicKey,
            Keys.SignedPreKey.Signature,
            preKey.Id,
            preKey.KeyPair.PublicKey));
    }

    /// <summary>A message the phone sent, kept for a retry: the chat and the content (unwrapped).</summary>
    private sealed record SentMessage(Jid Chat, Message Content);

    /// <summary>A sender or recipient device, by account phone number and device id (PN and LID addressing name the same device).</summary>
    private readonly record struct DeviceKey(string Phone, int Device);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Phone {Phone}: sent {Id} to {Chat} ({Devices} devices, ack error {Error})")]
    private static partial void LogSent(ILogger logger, string phone, string id, string chat, int devices, string error);

    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "Phone {Phone}: no session and no bundle for {Owner} device {Device}; it does not get the message")]
    private static partial void LogDeviceSkipped(ILogger logger, string phone, string owner, int device);

    [LoggerMessage(EventId = 403, Level = LogLevel.Information, Message = "Phone {Phone}: received {Id} from {Sender} ({Kind}, sent copy {SentCopy})")]
    private static partial void LogReceived(ILogger logger, string phone, string id, string sender, string kind, bool sentCopy);

    [LoggerMessage(EventId = 433, Level = LogLevel.Information, Message = "Phone {Phone}: {Id} from {Sender} again; it has that message already (receipted, not shown twice)")]
    private static partial void LogDuplicate(ILogger logger, string phone, string id, string sender);

    [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "Phone {Phone}: {Id} from {Sender} does not decrypt ({Reason}); sending a retry receipt")]
    private static partial void LogDecryptFailed(ILogger logger, string phone, string id, string sender, string reason);

    [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "Phone {Phone}: {Id} still fails after {Retries} retries; giving up")]
    private static partial void LogRetriesExhausted(ILogger logger, string phone, string id, int retries);

    [LoggerMessage(EventId = 406, Level = LogLevel.Warning, Message = "Phone {Phone}: {Id} comes from {Sender}, which is no account here; dropped")]
    private static partial void LogUnknownSender(ILogger logger, string phone, string id, string sender);

    [LoggerMessage(EventId = 408, Level = LogLevel.Information, Message = "Phone {Phone}: resent {Id} to {Device} (retry {Count}, ack error {Error})")]
    private static partial void LogResent(ILogger logger, string phone, string id, string device, int count, string error);

    [LoggerMessage(EventId = 409, Level = LogLevel.Warning, Message = "Phone {Phone}: retry receipt for {Id} from {Device}, a message it does not have (any more)")]
    private static partial void LogRetryUnknown(ILogger logger, string phone, string id, string device);

    [LoggerMessage(EventId = 430, Level = LogLevel.Warning, Message = "Phone {Phone}: retry receipt for {Id} cannot be served: {Reason}")]
    private static partial void LogRetryRefused(ILogger logger, string phone, string id, string reason);

    [LoggerMessage(EventId = 407, Level = LogLevel.Debug, Message = "Phone {Phone}: <{Tag}> needs nothing from the phone")]
    private static partial void LogIgnored(ILogger logger, string phone, string tag);
}

/// <summary>What <see cref="Phone.SendTextAsync"/> sent: the message id, how many devices got a ciphertext, the server's ack, and a file's direct path.</summary>
internal sealed record PhoneSendResult(string Id, int Devices, Node Ack, string? DirectPath = null);
