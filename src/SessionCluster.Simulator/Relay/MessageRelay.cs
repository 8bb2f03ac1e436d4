using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;
using SessionCluster.Simulator.Stanzas;

namespace SessionCluster.Simulator.Relay;

/// <summary>
/// The message relay (docs/PROTOCOL.md §9-§10): 1:1 fan-out of <c>&lt;message&gt;</c>, receipts back to the sender's devices,
/// acks, and every device's offline queue. Companions are connections; device 0 is the phone behind
/// <see cref="SimulatorServer.PrimaryDevices"/>.
/// </summary>
/// <remarks>
/// Design: everything addressed to a device goes through that device's <see cref="OfflineQueue"/> first and leaves it
/// only when the device acks it — an <c>&lt;ack&gt;</c>, or for a message any receipt the device sends for its id (Baileys
/// answers a decrypted message with its receipt alone) — or, for the phone, when <see cref="IPrimaryDevices.DeliverAsync"/> completes. A connected
/// companion that has turned active gets it at once; one that has not (or is offline) gets the whole queue, marked
/// <c>offline</c>, when it sends passive <c>&lt;active/&gt;</c>, followed by <c>&lt;ib&gt;&lt;offline count/&gt;</c>.
/// The sender addresses devices by phone number or LID (one device list behind both); every copy is delivered from the
/// sender's LID device with its phone number beside it (<see cref="LidAddressing"/>), receipts from the receiver's LID device.
/// Simulator choices where the real server's behaviour is unknown (documented in docs/SIMULATOR.md): a message to an
/// account the server does not know gets <c>&lt;ack class="message" error="404"/&gt;</c> and a <c>&lt;to&gt;</c> naming a
/// device that does not exist, belongs to a third account or is the sending device gets <c>error="400"</c>; nothing is
/// delivered then.
/// </remarks>
internal sealed partial class MessageRelay : IStanzaRelay
{
    private readonly SimulatorServer _server;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, OfflineQueue> _queues = new(StringComparer.Ordinal);

    public MessageRelay(SimulatorServer server)
    {
        _server = server;
        _logger = server.LoggerFactory.CreateLogger<MessageRelay>();
    }

    /// <summary>Which devices each message was queued for.</summary>
    public RelayLedger Ledger { get; } = new();

    /// <summary>Stanzas waiting in every device's queue (delivered but not acked, or not yet deliverable).</summary>
    public int QueueDepth => _queues.Values.Sum(q => q.Count);

    /// <summary>The queue of one device (tests and the admin API read it).</summary>
    public IReadOnlyList<Node> Queued(Account account, int device) => QueueOf(account, device).Snapshot();

    public async ValueTask<Node> SendMessageAsync(Account sender, int fromDevice, Node message, CancellationToken cancellationToken)
    {
        var id = message.GetOptionalString("id");
        var to = message.GetOptionalJid("to");
        if (string.IsNullOrEmpty(id) || to is not { } chat)
        {
            throw new MalformedStanzaException("A message needs an id and a to.");
        }

        var now = _server.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (chat.IsGroup) return await Groups.GroupFanOut.SendAsync(_server, sender, fromDevice, message, cancellationToken).ConfigureAwait(false);
        var recipient = _server.Accounts.Find(chat);
        if (recipient is null)
        {
            LogRefused(_logger, sender.Phone, fromDevice, id, "unknown account " + chat);
            return MessageAcks.Refused(id, chat, now, MessageAckErrors.UnknownAccount);
        }

        var copies = new List<(Account Account, int Device, Jid Address, IReadOnlyList<Node> Content)>();
        var deviceIdentity = message.GetOptionalChild("device-identity");
        if (message.GetOptionalChild("participants") is { } participants)
        {
            foreach (var target in participants.Children)
            {
                if (target.Tag != "to" || target.GetOptionalJid("jid") is not { } address)
                {
                    throw new MalformedStanzaException("<participants> holds <to jid>.");
                }

                copies.Add((null!, 0, address, target.ContentKind == NodeContentKind.Children ? target.Children : []));
            }
        }
        else
        {
            // A retry resend or a peer message: the <enc> sits directly under <message>, for the device in `to`.
            var encs = message.GetChildren("enc").ToArray();
            copies.Add((null!, 0, chat, encs));
        }

        for (var i = 0; i < copies.Count; i++)
        {
            var address = copies[i].Address;
            var owner = _server.Accounts.Find(address);
            var problem = owner is null ? "unknown account"
                : owner != recipient && owner != sender ? "a third account's device"
                : !DeviceExists(owner, address.Device) ? "an unknown device"
                : owner == sender && address.Device == fromDevice ? "the sending device"
                : !copies[i].Content.Any(c => c.Tag == "enc") ? "no <enc>"
                : null;
            if (problem is not null)
            {
                LogRefused(_logger, sender.Phone, fromDevice, id, $"{address} is {problem}");
                return MessageAcks.Refused(id, chat, now, MessageAckErrors.BadParticipant);
            }

            copies[i] = copies[i] with { Account = owner!, Device = address.Device };
        }

        foreach (var copy in copies)
        {
            // The same copy whether the sender named the device by phone number or by LID: one device list behind both.
            var attributes = new List<NodeAttribute>(LidAddressing.DirectSender(sender, fromDevice, recipient, copy.Account)) { ("id", id), ("t", now) };
            CopyAttribute(message, attributes, "type");
            CopyAttribute(message, attributes, "category");
            CopyAttribute(message, attributes, "edit");

            var content = new List<Node>(copy.Content);
            if (deviceIdentity is not null && content.Any(c => c.Tag == "enc" && c.GetOptionalString("type") == "pkmsg"))
            {
                content.Add(deviceIdentity);
            }

            _server.Stats.Relayed();
            await EnqueueAsync(copy.Account, copy.Device, new Node("message", attributes, content), cancellationToken).ConfigureAwait(false);
        }

        return MessageAcks.Accepted(id, chat, now);
    }

    public async ValueTask SendReceiptAsync(Account sender, int fromDevice, Node receipt, CancellationToken cancellationToken)
    {
        var id = receipt.GetOptionalString("id");
        if (string.IsNullOrEmpty(id))
        {
            throw new MalformedStanzaException("A receipt needs an id.");
        }

        var type = receipt.GetOptionalString("type");
        var to = receipt.GetOptionalJid("to");
        if (to is null && type != "sender")
        {
            throw new MalformedStanzaException("A receipt needs a to.");
        }

        // A receipt from a device also acknowledges the message(s) it names: Baileys answers a message it decrypted
        // with its receipt only, never an <ack class="message"> (messages-recv.js handleMessage).
        var ownQueue = QueueOf(sender, fromDevice);
        ownQueue.Acknowledge("message", id, null);
        foreach (var item in receipt.GetOptionalChild("list")?.GetChildren("item") ?? [])
        {
            if (item.GetOptionalString("id") is { } listed)
            {
                ownQueue.Acknowledge("message", listed, null);
            }
        }

        if (to is not { } target)
        {
            // Baileys answers a PN-addressed 1:1 copy of its own account's message with <receipt type="sender"
            // recipient=CHAT> and no `to` (messages-recv.js: `to` is the key's participant, absent in a 1:1): it names
            // no device to tell, so it only acknowledges. Simulator choice; the real server's answer is unknown.
            LogSenderReceiptWithoutTo(_logger, sender.Phone, fromDevice, id);
            return;
        }

        if (target.IsGroup)
        {
            await Groups.GroupReceipts.SendAsync(_server, sender, fromDevice, receipt, cancellationToken).ConfigureAwait(false);
            return;
        }

        var owner = _server.Accounts.Find(target);
        if (owner is null)
        {
            LogRefused(_logger, sender.Phone, fromDevice, id, "receipt to unknown account " + target);
            _server.Stats.RelayError();
            return;
        }

        var attributes = new List<NodeAttribute> { ("from", LidAddressing.ReceiptSender(sender, fromDevice).ToString()), ("id", id) };
        // "inactive" (a client that is not marked active) still means delivered to the sender.
        if (type is not null and not "inactive")
        {
            attributes.Add(("type", type));
        }

        attributes.Add(("t", receipt.GetOptionalString("t") ?? _server.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        CopyAttribute(receipt, attributes, "recipient");
        CopyAttribute(receipt, attributes, "category");

        IEnumerable<int> devices;
        if (type is "retry" or "sender")
        {
            // A retry goes to the device that sent the message (bare JID = device 0); "sender" to the own device named.
            devices = DeviceExists(owner, target.Device) ? [target.Device] : [];
        }
        else
        {
            devices = AllDevices(owner).Where(d => owner != sender || d != fromDevice);
        }

        var forwarded = receipt.ContentKind == NodeContentKind.Children
            ? new Node("receipt", attributes, receipt.Children)
            : new Node("receipt", attributes);
        foreach (var device in devices)
        {
            _server.Stats.Relayed();
            await EnqueueAsync(owner, device, forwarded, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A <c>&lt;message&gt;</c> from a connected companion: relay it and ack the sender.</summary>
    public async ValueTask HandleMessageAsync(ChatConnection connection, Node message, CancellationToken cancellationToken)
    {
        var device = RequireLoggedIn(connection);
        var ack = await SendMessageAsync(device.Account, device.Device.DeviceId, message, cancellationToken).ConfigureAwait(false);
        if (ack.GetOptionalString("error") is not null)
        {
            _server.Stats.RelayError();
        }

        await connection.SendAsync(ack, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A <c>&lt;receipt&gt;</c> from a connected companion: route it and answer <c>&lt;ack class="receipt"&gt;</c>.</summary>
    public async ValueTask HandleReceiptAsync(ChatConnection connection, Node receipt, CancellationToken cancellationToken)
    {
        var device = RequireLoggedIn(connection);
        await SendReceiptAsync(device.Account, device.Device.DeviceId, receipt, cancellationToken).ConfigureAwait(false);
        var from = receipt.GetOptionalString("to") ?? device.Account.Jid.ToString();
        var attributes = new List<NodeAttribute> { ("class", "receipt"), ("id", receipt.GetString("id")), ("from", from) };
        CopyAttribute(receipt, attributes, "type");
        CopyAttribute(receipt, attributes, "participant");
        await connection.SendAsync(new Node("ack", attributes), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A device's <c>&lt;ack class id [type]&gt;</c>: drops the stanza it names from that device's queue.</summary>
    public void HandleAck(ChatConnection connection, Node ack)
    {
        var device = RequireLoggedIn(connection);
        var ackClass = ack.GetOptionalString("class");
        var id = ack.GetOptionalString("id");
        if (string.IsNullOrEmpty(ackClass) || string.IsNullOrEmpty(id))
        {
            throw new MalformedStanzaException("An ack needs a class and an id.");
        }

        _server.Stats.AckReceived();
        if (!QueueOf(device.Account, device.Device.DeviceId).Acknowledge(ackClass, id, ack.GetOptionalString("type")))
        {
            // Normal: Baileys acks (or nacks) a message its receipt has already acknowledged.
            LogAckWithoutStanza(_logger, device.DeviceJid.ToString(), ackClass, id);
        }
    }

    /// <summary>
    /// Delivers the device's queue on <paramref name="connection"/> (passive <c>&lt;active/&gt;</c>): every stanza is
    /// marked <c>offline</c>; returns how many went out, for <c>&lt;ib&gt;&lt;offline count/&gt;</c>.
    /// </summary>
    public async ValueTask<int> DeliverOfflineAsync(ChatConnection connection, CancellationToken cancellationToken)
    {
        var device = RequireLoggedIn(connection);
        return await FlushAsync(QueueOf(device.Account, device.Device.DeviceId), connection, offline: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues <paramref name="stanza"/> for one device and delivers it now if the device can take it.</summary>
    public async ValueTask EnqueueAsync(Account account, int device, Node stanza, CancellationToken cancellationToken)
    {
        var queue = QueueOf(account, device);
        queue.Add(stanza);
        if (stanza.Tag == "message" && stanza.GetOptionalString("id") is { } id)
        {
            Ledger.Record(id, account.Phone, device);
        }

        if (device == 0)
        {
            FlushPhone(account, queue);
            return;
        }

        var connection = _server.Connections.FindDevice(account.DeviceJid(device).ToString());
        if (connection is { OfflineDelivered: true, IsClosed: false })
        {
            await FlushAsync(queue, connection, offline: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Delivers what waits for every phone (after <see cref="SimulatorServer.PrimaryDevices"/> was set).</summary>
    public void FlushPhones()
    {
        foreach (var account in _server.Accounts.All)
        {
            if (_queues.TryGetValue(Key(account, 0), out var queue) && queue.Count > 0)
            {
                FlushPhone(account, queue);
            }
        }
    }

    /// <summary>Device 0 and every linked companion.</summary>
    public static IEnumerable<int> AllDevices(Account account) => [0, .. account.Devices.Select(d => d.DeviceId)];

    private static bool DeviceExists(Account account, int device) => device == 0 || account.FindDevice(device) is not null;

    private static LoggedInDevice RequireLoggedIn(ChatConnection connection) =>
        connection.LoggedIn ?? throw new MalformedStanzaException("Only a logged-in device relays stanzas.");

    private static void CopyAttribute(Node source, List<NodeAttribute> attributes, string key)
    {
        if (source.GetOptionalString(key) is { } value)
        {
            attributes.Add((key, value));
        }
    }

    private static string Key(Account account, int device) => account.Phone + ":" + device.ToString(CultureInfo.InvariantCulture);

    private OfflineQueue QueueOf(Account account, int device) => _queues.GetOrAdd(Key(account, device), _ => new OfflineQueue());

    private async ValueTask<int> FlushAsync(OfflineQueue queue, ChatConnection connection, bool offline, CancellationToken cancellationToken)
    {
        await queue.SendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var sent = 0;
            foreach (var (stanza, _) in queue.TakeUnsent(connection.Id))
            {
                var wire = offline ? WithOffline(stanza) : stanza;
                if (!await connection.SendAsync(wire, cancellationToken).ConfigureAwait(false))
                {
                    queue.MarkUnsent(stanza, connection.Id);
                    break;
                }

                sent++;
            }

            return sent;
        }
        finally
        {
            queue.SendLock.Release();
        }
    }

    /// <summary>
    /// Hands the phone's queue to <see cref="IPrimaryDevices.DeliverAsync"/> on the thread pool, in order: the phone may
    /// answer (receipts) through this relay, which must not wait on the caller's own delivery.
    /// </summary>
    private void FlushPhone(Account account, OfflineQueue queue)
    {
        if (_server.PrimaryDevices is not { } phones)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            await queue.SendLock.WaitAsync().ConfigureAwait(false);
            try
            {
                foreach (var (stanza, _) in queue.TakeUnsent(-1))
                {
                    try
                    {
                        await phones.DeliverAsync(account, stanza, CancellationToken.None).ConfigureAwait(false);
                        queue.Remove(stanza);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // The phone refused or failed: the stanza stays queued and is offered again with the next one.
                        queue.MarkUnsent(stanza, -1);
                        _server.Stats.RelayError();
                        LogPhoneFailed(_logger, account.Phone, stanza.Tag, e.GetType().Name + ": " + e.Message);
                        return;
                    }
                }
            }
            finally
            {
                queue.SendLock.Release();
            }
        });
    }

    private static Node WithOffline(Node stanza)
    {
        if (stanza.GetOptionalString("offline") is not null)
        {
            return stanza;
        }

        NodeAttribute[] attributes = [.. stanza.Attributes, ("offline", "1")];
        return stanza.ContentKind switch
        {
            NodeContentKind.Children => new Node(stanza.Tag, attributes, stanza.Children),
            NodeContentKind.Bytes => new Node(stanza.Tag, attributes, stanza.Bytes),
            NodeContentKind.Text => new Node(stanza.Tag, attributes, stanza.Text!),
            _ => new Node(stanza.Tag, attributes),
        };
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Message {Id} from {Phone}:{Device} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string phone, int device, string id, string reason);

    [LoggerMessage(EventId = 603, Level = LogLevel.Debug, Message = "Sender receipt {Id} from {Phone}:{Device} names no device (no to); acknowledged, not forwarded")]
    private static partial void LogSenderReceiptWithoutTo(ILogger logger, string phone, int device, string id);

    [LoggerMessage(EventId = 602, Level = LogLevel.Debug, Message = "{Device} acked {Class} {Id}, which is no longer queued")]
    private static partial void LogAckWithoutStanza(ILogger logger, string device, string @class, string id);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "The phone of {Phone} failed to take a <{Tag}> (kept queued): {Reason}")]
    private static partial void LogPhoneFailed(ILogger logger, string phone, string tag, string reason);
}
