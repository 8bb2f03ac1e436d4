using System.Globalization;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;
using SessionCluster.Simulator.Stanzas;

namespace SessionCluster.Simulator.Relay;

/// <summary>
/// Status updates (docs/PROTOCOL.md §9 "Status"), called by the relay for <c>to="status@broadcast"</c>. A status is a
/// sender-key message like a group's, but there is no member list on the server: the audience is exactly the devices the
/// sender names in <c>&lt;participants&gt;</c>, each <c>&lt;to jid=DEVICE&gt;</c> carrying its pairwise SKDM. Every named
/// device (the sending one skipped) gets, through its queue,
/// <c>&lt;message from="status@broadcast" participant=SENDER_LID_DEVICE participant_pn=SENDER_PN addressing_mode="lid" id t type&gt;</c>
/// with its own enc, then the skmsg, then the device identity when its enc is a pkmsg. Receipts
/// (<c>&lt;receipt to="status@broadcast" participant=AUTHOR_DEVICE&gt;</c>) go back to the author as
/// <c>&lt;receipt from="status@broadcast" participant=RECEIVER_LID_DEVICE&gt;</c>, a retry to the author's device alone; the
/// author's resend (<c>participant=DEVICE</c> on the message) goes to that device alone.
/// </summary>
/// <remarks>
/// Simulator choices where the real server's answer is unknown, like the group fan-out's: a status with no
/// <c>&lt;participants&gt;</c> (nobody to show it to), no skmsg, or a <c>&lt;to&gt;</c> naming an unknown account or device or
/// holding no enc gets <c>error="400"</c> and nothing is delivered. A receipt naming no author or an unknown one is dropped
/// and counted as a relay error.
/// </remarks>
internal sealed partial class StatusBroadcast(AccountDirectory accounts, DeviceQueues queues, SimulatorStats stats, TimeProvider clock, ILogger<StatusBroadcast> logger)
{
    /// <summary>The one chat every status is posted to and arrives from.</summary>
    public static readonly Jid Chat = new("status", JidServer.Broadcast);

    public static bool IsStatus(Jid jid) => jid.Equals(Chat);

    public async ValueTask<Node> SendAsync(Account sender, int fromDevice, Node message, CancellationToken cancellationToken)
    {
        var id = message.GetOptionalString("id");
        if (string.IsNullOrEmpty(id))
        {
            throw new MalformedStanzaException("A status needs an id.");
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (message.GetOptionalJid("participant") is { } resendTo)
        {
            return await ResendAsync(sender, fromDevice, message, id, resendTo, now, cancellationToken).ConfigureAwait(false);
        }

        var skmsg = message.GetChildren("enc").Where(e => e.GetOptionalString("type") == "skmsg").ToArray();
        var targets = message.GetOptionalChild("participants")?.Children ?? [];
        var problem = targets.Count == 0 ? "no <participants> (a status needs its audience)"
            : skmsg.Length == 0 ? "no skmsg <enc>"
            : null;
        var copies = new List<(Account Account, int Device, IReadOnlyList<Node> Encs)>();
        foreach (var target in targets)
        {
            if (problem is not null)
            {
                break;
            }

            if (target.Tag != "to" || target.GetOptionalJid("jid") is not { } address)
            {
                throw new MalformedStanzaException("<participants> holds <to jid>.");
            }

            var owner = accounts.Find(address);
            if (owner == sender && address.Device == fromDevice)
            {
                continue;
            }

            problem = owner is null ? $"{address} is an unknown account"
                : address.Device != 0 && owner.FindDevice(address.Device) is null ? $"{address} is an unknown device"
                : target.ContentKind != NodeContentKind.Children || !target.Children.Any(c => c.Tag == "enc") ? $"{address} has no <enc>"
                : null;
            copies.Add((owner!, address.Device, target.ContentKind == NodeContentKind.Children ? target.Children : []));
        }

        if (problem is not null)
        {
            LogRefused(logger, sender.Phone, fromDevice, id, problem);
            return MessageAcks.Refused(id, Chat, now, MessageAckErrors.BadStatus);
        }

        var deviceIdentity = message.GetOptionalChild("device-identity");
        foreach (var (account, device, encs) in copies.DistinctBy(c => (c.Account.Phone, c.Device)))
        {
            List<NodeAttribute> attributes = [("from", Chat.ToString()), .. LidAddressing.GroupAuthor(sender, fromDevice), ("id", id), ("t", now)];
            foreach (var name in (string[])["type", "category", "edit"])
            {
                if (message.GetOptionalString(name) is { } value)
                {
                    attributes.Add((name, value));
                }
            }

            List<Node> content = [.. encs, .. skmsg];
            if (deviceIdentity is not null && encs.Any(c => c.Tag == "enc" && c.GetOptionalString("type") == "pkmsg"))
            {
                content.Add(deviceIdentity);
            }

            stats.Relayed();
            await queues.EnqueueAsync(account, device, new Node("message", attributes, content), cancellationToken).ConfigureAwait(false);
        }

        LogPosted(logger, sender.Phone, fromDevice, id, copies.Count);
        return MessageAcks.Accepted(id, Chat, now);
    }

    /// <summary>
    /// A retry resend (<c>&lt;message to="status@broadcast" participant=DEVICE&gt;&lt;enc pkmsg|msg count/&gt;</c>, whatsmeow's
    /// shape) goes to that one device only; an unknown device, the sending one or no enc is refused with 400.
    /// </summary>
    private async ValueTask<Node> ResendAsync(Account sender, int fromDevice, Node message, string id, Jid target, string now, CancellationToken cancellationToken)
    {
        var owner = accounts.Find(target);
        var encs = message.GetChildren("enc").ToArray();
        var problem = owner is null ? $"resend to {target}: an unknown account"
            : target.Device != 0 && owner.FindDevice(target.Device) is null ? $"resend to {target}: an unknown device"
            : owner == sender && target.Device == fromDevice ? $"resend to {target}: the sending device"
            : encs.Length == 0 ? $"resend to {target}: no <enc>"
            : null;
        if (problem is not null)
        {
            LogRefused(logger, sender.Phone, fromDevice, id, problem);
            return MessageAcks.Refused(id, Chat, now, MessageAckErrors.BadStatus);
        }

        List<NodeAttribute> attributes = [("from", Chat.ToString()), .. LidAddressing.GroupAuthor(sender, fromDevice), ("id", id), ("t", now)];
        if (message.GetOptionalString("type") is { } type)
        {
            attributes.Add(("type", type));
        }

        List<Node> content = [.. encs];
        if (message.GetOptionalChild("device-identity") is { } deviceIdentity && encs.Any(e => e.GetOptionalString("type") == "pkmsg"))
        {
            content.Add(deviceIdentity);
        }

        stats.Relayed();
        await queues.EnqueueAsync(owner!, target.Device, new Node("message", attributes, content), cancellationToken).ConfigureAwait(false);
        return MessageAcks.Accepted(id, Chat, now);
    }

    /// <summary>A receipt for a status, back to its author's devices (a retry to the author's device alone).</summary>
    public async ValueTask SendReceiptAsync(Account receiver, int fromDevice, Node receipt, CancellationToken cancellationToken)
    {
        var id = receipt.GetString("id");
        var type = receipt.GetOptionalString("type");
        var author = receipt.GetOptionalJid("participant");
        var owner = author is { } a ? accounts.Find(a) : null;
        if (author is not { } authorDevice || owner is null || (authorDevice.Device != 0 && owner.FindDevice(authorDevice.Device) is null))
        {
            LogReceiptDropped(logger, receiver.Phone, fromDevice, id, author is null ? "no participant (the status's author)" : $"an unknown author {author}");
            stats.RelayError();
            return;
        }

        List<NodeAttribute> attributes = [("from", Chat.ToString()), ("participant", LidAddressing.ReceiptSender(receiver, fromDevice).ToString()), ("id", id)];
        if (type is not null and not "inactive")
        {
            attributes.Add(("type", type));
        }

        attributes.Add(("t", receipt.GetOptionalString("t") ?? clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        var forwarded = receipt.ContentKind == NodeContentKind.Children ? new Node("receipt", attributes, receipt.Children) : new Node("receipt", attributes);
        IEnumerable<int> devices = type is "retry" ? [authorDevice.Device] : [.. owner.DeviceIds.Where(d => owner != receiver || d != fromDevice)];
        foreach (var device in devices)
        {
            stats.Relayed();
            await queues.EnqueueAsync(owner, device, forwarded, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 630, Level = LogLevel.Information, Message = "Status {Id} from {Phone}:{Device} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string phone, int device, string id, string reason);

    [LoggerMessage(EventId = 631, Level = LogLevel.Debug, Message = "Status {Id} from {Phone}:{Device}: {Copies} copies queued")]
    private static partial void LogPosted(ILogger logger, string phone, int device, string id, int copies);

    [LoggerMessage(EventId = 632, Level = LogLevel.Information, Message = "Status receipt {Id} from {Phone}:{Device} dropped: {Reason}")]
    private static partial void LogReceiptDropped(ILogger logger, string phone, int device, string id, string reason);
}
