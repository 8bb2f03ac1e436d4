using System.Globalization;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;
using SessionCluster.Simulator.Groups;
using SessionCluster.Simulator.Stanzas;

namespace SessionCluster.Simulator.Relay;

/// <summary>
/// The message relay (docs/PROTOCOL.md §9-§10): 1:1 fan-out of <c>&lt;message&gt;</c>, receipts back to the sender's devices,
/// and acks; every copy goes through the receiving device's queue (<see cref="DeviceQueues"/>). Companions are
/// connections; device 0 is the phone behind <see cref="SimulatorServer.PrimaryDevices"/>. Group messages and receipts
/// go to <see cref="GroupFanOut"/> and <see cref="GroupReceipts"/>,
/// statuses and their receipts to <see cref="StatusBroadcast"/>.
/// </summary>
/// <remarks>
/// A queued stanza leaves the device's queue when the device acks it: an <c>&lt;ack&gt;</c>, or for a message any receipt
/// the device sends for its id (Baileys answers a decrypted message with its receipt alone).
/// The sender addresses devices by phone number or LID (one device list behind both); every copy is delivered from the
/// sender's LID device with its phone number beside it (<see cref="LidAddressing"/>), receipts from the receiver's LID device.
/// Simulator choices where the real server's behaviour is unknown (documented in docs/SIMULATOR.md): a message to an
/// account the server does not know gets <c>&lt;ack class="message" error="404"/&gt;</c> and a <c>&lt;to&gt;</c> naming a
/// device that does not exist, belongs to a third account or is the sending device gets <c>error="400"</c>; nothing is
/// delivered then.
/// </remarks>
internal sealed partial class MessageRelay(
    AccountDirectory accounts,
    DeviceQueues queues,
    GroupFanOut groupFanOut,
    GroupReceipts groupReceipts,
    StatusBroadcast statuses,
    SimulatorStats stats,
    TimeProvider clock,
    ILogger<MessageRelay> logger) : IStanzaRelay
{
    public async ValueTask<Node> SendMessageAsync(Account sender, int fromDevice, Node message, CancellationToken cancellationToken)
    {
        var id = message.GetOptionalString("id");
        var to = message.GetOptionalJid("to");
        if (string.IsNullOrEmpty(id) || to is not { } chat)
        {
            throw new MalformedStanzaException("A message needs an id and a to.");
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (chat.IsGroup) return await groupFanOut.SendAsync(sender, fromDevice, message, cancellationToken).ConfigureAwait(false);
        if (StatusBroadcast.IsStatus(chat)) return await statuses.SendAsync(sender, fromDevice, message, cancellationToken).ConfigureAwait(false);
        var recipient = accounts.Find(chat);
        if (recipient is null)
        {
            LogRefused(logger, sender.Phone, fromDevice, id, "unknown account " + chat);
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
            var owner = accounts.Find(address);
            var problem = owner is null ? "unknown account"
                : owner != recipient && owner != sender ? "a third account's device"
                : !DeviceExists(owner, address.Device) ? "an unknown device"
                : owner == sender && address.Device == fromDevice ? "the sending device"
                : !copies[i].Content.Any(c => c.Tag == "enc") ? "no <enc>"
                : null;
            if (problem is not null)
            {
                LogRefused(logger, sender.Phone, fromDevice, id, $"{address} is {problem}");
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

            stats.Relayed();
            await queues.EnqueueAsync(copy.Account, copy.Device, new Node("message", attributes, content), cancellationToken).ConfigureAwait(false);
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
        queues.Acknowledge(sender, fromDevice, "message", id, null);
        foreach (var item in receipt.GetOptionalChild("list")?.GetChildren("item") ?? [])
        {
            if (item.GetOptionalString("id") is { } listed)
            {
                queues.Acknowledge(sender, fromDevice, "message", listed, null);
            }
        }

        if (type == MediaRetryStanzas.ReceiptType)
        {
            await RouteMediaRetryAsync(sender, fromDevice, receipt, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (to is not { } target)
        {
            // Baileys answers a PN-addressed 1:1 copy of its own account's message with <receipt type="sender"
            // recipient=CHAT> and no `to` (messages-recv.js: `to` is the key's participant, absent in a 1:1): it names
            // no device to tell, so it only acknowledges. Simulator choice; the real server's answer is unknown.
            LogSenderReceiptWithoutTo(logger, sender.Phone, fromDevice, id);
            return;
        }

        if (target.IsGroup)
        {
            await groupReceipts.SendAsync(sender, fromDevice, receipt, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (StatusBroadcast.IsStatus(target))
        {
            await statuses.SendReceiptAsync(sender, fromDevice, receipt, cancellationToken).ConfigureAwait(false);
            return;
        }

        var owner = accounts.Find(target);
        if (owner is null)
        {
            LogRefused(logger, sender.Phone, fromDevice, id, "receipt to unknown account " + target);
            stats.RelayError();
            return;
        }

        var attributes = new List<NodeAttribute> { ("from", LidAddressing.ReceiptSender(sender, fromDevice).ToString()), ("id", id) };
        // "inactive" (a client that is not marked active) still means delivered to the sender.
        if (type is not null and not "inactive")
        {
            attributes.Add(("type", type));
        }

        attributes.Add(("t", receipt.GetOptionalString("t") ?? clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
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
            devices = owner.DeviceIds.Where(d => owner != sender || d != fromDevice);
        }

        var forwarded = receipt.ContentKind == NodeContentKind.Children
            ? new Node("receipt", attributes, receipt.Children)
            : new Node("receipt", attributes);
        foreach (var device in devices)
        {
            stats.Relayed();
            await queues.EnqueueAsync(owner, device, forwarded, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A <c>&lt;message&gt;</c> from a connected companion: relay it and ack the sender.</summary>
    public async ValueTask HandleMessageAsync(ChatConnection connection, Node message, CancellationToken cancellationToken)
    {
        var device = RequireLoggedIn(connection);
        var ack = await SendMessageAsync(device.Account, device.Device.DeviceId, message, cancellationToken).ConfigureAwait(false);
        if (ack.GetOptionalString("error") is not null)
        {
            stats.RelayError();
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

        stats.AckReceived();
        if (!queues.Acknowledge(device.Account, device.Device.DeviceId, ackClass, id, ack.GetOptionalString("type")))
        {
            // Normal: Baileys acks (or nacks) a message its receipt has already acknowledged.
            LogAckWithoutStanza(logger, device.DeviceJid.ToString(), ackClass, id);
        }
    }

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

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Message {Id} from {Phone}:{Device} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string phone, int device, string id, string reason);

    [LoggerMessage(EventId = 603, Level = LogLevel.Debug, Message = "Sender receipt {Id} from {Phone}:{Device} names no device (no to); acknowledged, not forwarded")]
    private static partial void LogSenderReceiptWithoutTo(ILogger logger, string phone, int device, string id);

    [LoggerMessage(EventId = 602, Level = LogLevel.Debug, Message = "{Device} acked {Class} {Id}, which is no longer queued")]
    private static partial void LogAckWithoutStanza(ILogger logger, string device, string @class, string id);
}
