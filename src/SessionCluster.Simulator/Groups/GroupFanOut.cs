using System.Globalization;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;
using SessionCluster.Simulator.Relay;
using SessionCluster.Simulator.Stanzas;

namespace SessionCluster.Simulator.Groups;

/// <summary>
/// A <c>&lt;message to=GROUP&gt;</c> fanned out to every member device (docs/PROTOCOL.md §9 group stanza), called by the relay for a
/// group <c>to</c>. The sender sends
/// <c>&lt;participants&gt;&lt;to jid=DEVICE&gt;&lt;enc pkmsg|msg&gt;SKDM&lt;/enc&gt;&lt;/to&gt;…&lt;/participants&gt;&lt;enc type="skmsg"&gt;</c>
/// [<c>&lt;device-identity&gt;</c>]; every device of every member except the sending one gets, through its offline queue,
/// <c>&lt;message from=GROUP participant=SENDER_LID_DEVICE participant_pn=SENDER_PN addressing_mode="lid" id t type&gt;</c> (the group is
/// in LID addressing mode, <see cref="GroupNodes"/>) with its own <c>&lt;enc&gt;</c> from the participant list
/// first (the sender-key distribution must be read before the skmsg), then the skmsg, then the device identity when its
/// enc is a pkmsg. Devices the sender left out of <c>&lt;participants&gt;</c> (Baileys only sends the SKDM to devices it has not
/// sent it to yet) get the skmsg alone. A retry resend (<c>participant=DEVICE</c> on the message) goes to that device alone.
/// </summary>
/// <remarks>
/// Simulator choices where the real server's behaviour is unknown, like the 1:1 relay's: unknown group → error ack 404,
/// a sender that is not a member → 403, a <c>&lt;to&gt;</c> naming a device that is not a member's or does not exist, or no
/// skmsg → 400; nothing is delivered then. A <c>&lt;to&gt;</c> naming the sending device itself is skipped.
/// </remarks>
internal sealed partial class GroupFanOut(
    AccountDirectory accounts,
    GroupDirectory groups,
    DeviceQueues queues,
    SimulatorStats stats,
    TimeProvider clock,
    ILogger<GroupFanOut> logger)
{
    public async ValueTask<Node> SendAsync(Account sender, int fromDevice, Node message, CancellationToken cancellationToken)
    {
        var id = message.GetOptionalString("id");
        if (string.IsNullOrEmpty(id) || message.GetOptionalJid("to") is not { IsGroup: true } to)
        {
            throw new MalformedStanzaException("A group message needs an id and a group to.");
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (!groups.TryGet(to, out var group))
        {
            LogRefused(logger, sender.Phone, fromDevice, id, "unknown group " + to);
            return MessageAcks.Refused(id, to, now, MessageAckErrors.UnknownGroup);
        }

        if (!group.IsParticipant(sender.Jid))
        {
            LogRefused(logger, sender.Phone, fromDevice, id, $"not a member of {to}");
            return MessageAcks.Refused(id, to, now, MessageAckErrors.NotAMember);
        }

        var members = group.Participants.Select(p => accounts.Find(p.Jid)).OfType<Account>().ToArray();
        if (message.GetOptionalJid("participant") is { } resendTo)
        {
            return await ResendAsync(sender, fromDevice, message, group, members, resendTo, now, cancellationToken).ConfigureAwait(false);
        }

        var skmsg = message.GetChildren("enc").ToArray();
        if (skmsg.Length == 0)
        {
            LogRefused(logger, sender.Phone, fromDevice, id, "no skmsg <enc>");
            return MessageAcks.Refused(id, to, now, MessageAckErrors.BadGroupMessage);
        }

        var perDevice = new Dictionary<(string Phone, int Device), IReadOnlyList<Node>>();
        if (message.GetOptionalChild("participants") is { } participants)
        {
            foreach (var target in participants.Children)
            {
                if (target.Tag != "to" || target.GetOptionalJid("jid") is not { } address)
                {
                    throw new MalformedStanzaException("<participants> holds <to jid>.");
                }

                var owner = accounts.Find(address);
                if (owner == sender && address.Device == fromDevice)
                {
                    // Baileys in LID mode lists its own LID device among the sender-key recipients (its own-device filter
                    // compares the user with the full LID JID); nothing goes back to the sending device.
                    continue;
                }

                var problem = owner is null || !members.Contains(owner) ? "not a member's device"
                    : address.Device != 0 && owner.FindDevice(address.Device) is null ? "an unknown device"
                    : target.ContentKind != NodeContentKind.Children || !target.Children.Any(c => c.Tag == "enc") ? "no <enc>"
                    : null;
                if (problem is not null)
                {
                    LogRefused(logger, sender.Phone, fromDevice, id, $"{address} is {problem}");
                    return MessageAcks.Refused(id, to, now, MessageAckErrors.BadGroupMessage);
                }

                perDevice[(owner!.Phone, address.Device)] = target.Children;
            }
        }

        var deviceIdentity = message.GetOptionalChild("device-identity");
        var copies = 0;
        foreach (var member in members)
        {
            foreach (var device in member.DeviceIds)
            {
                if (member == sender && device == fromDevice)
                {
                    continue;
                }

                List<NodeAttribute> attributes = [("from", to.ToString()), .. LidAddressing.GroupAuthor(sender, fromDevice), ("id", id), ("t", now)];
                foreach (var name in (string[])["type", "category", "edit"])
                {
                    if (message.GetOptionalString(name) is { } value)
                    {
                        attributes.Add((name, value));
                    }
                }

                var own = perDevice.GetValueOrDefault((member.Phone, device)) ?? [];
                List<Node> content = [.. own, .. skmsg];
                if (deviceIdentity is not null && own.Any(c => c.Tag == "enc" && c.GetOptionalString("type") == "pkmsg"))
                {
                    content.Add(deviceIdentity);
                }

                stats.Relayed();
                copies++;
                await queues.EnqueueAsync(member, device, new Node("message", attributes, content), cancellationToken).ConfigureAwait(false);
            }
        }

        LogFannedOut(logger, sender.Phone, fromDevice, id, to.ToString(), copies);
        return MessageAcks.Accepted(id, to, now);
    }

    /// <summary>
    /// A retry resend (Baileys relayMessage with a participant): <c>&lt;message to=GROUP participant=DEVICE&gt;&lt;enc pkmsg|msg count/&gt;</c>
    /// goes to that one device only, never fanned out (it is encrypted for that device alone).
    /// </summary>
    private async ValueTask<Node> ResendAsync(
        Account sender, int fromDevice, Node message, Group group, Account[] members, Jid target, string now, CancellationToken cancellationToken)
    {
        var id = message.GetString("id");
        var owner = accounts.Find(target);
        var encs = message.GetChildren("enc").ToArray();
        var problem = owner is null || !members.Contains(owner) ? "not a member's device"
            : target.Device != 0 && owner.FindDevice(target.Device) is null ? "an unknown device"
            : owner == sender && target.Device == fromDevice ? "the sending device"
            : encs.Length == 0 ? "given no <enc>"
            : null;
        if (problem is not null)
        {
            LogRefused(logger, sender.Phone, fromDevice, id, $"resend to {target}: {problem}");
            return MessageAcks.Refused(id, group.Jid, now, MessageAckErrors.BadGroupMessage);
        }

        List<NodeAttribute> attributes = [("from", group.Jid.ToString()), .. LidAddressing.GroupAuthor(sender, fromDevice), ("id", id), ("t", now)];
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
        return MessageAcks.Accepted(id, group.Jid, now);
    }

    [LoggerMessage(EventId = 620, Level = LogLevel.Information, Message = "Group message {Id} from {Phone}:{Device} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string phone, int device, string id, string reason);

    [LoggerMessage(EventId = 621, Level = LogLevel.Debug, Message = "Group message {Id} from {Phone}:{Device} to {Group}: {Copies} copies queued")]
    private static partial void LogFannedOut(ILogger logger, string phone, int device, string id, string group, int copies);
}
