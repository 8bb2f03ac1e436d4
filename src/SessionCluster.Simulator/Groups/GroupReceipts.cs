using System.Globalization;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Relay;

namespace SessionCluster.Simulator.Groups;

/// <summary>
/// A receipt for a group message, <c>&lt;receipt to=GROUP participant=AUTHOR_DEVICE id [type] [t]&gt;</c> (Baileys sends
/// delivery, read and retry receipts this way), routed to the message's author as
/// <c>&lt;receipt from=GROUP participant=RECEIVER_LID_DEVICE id [type] t&gt;</c> with the receipt's children (<c>&lt;list&gt;</c>,
/// a retry's <c>&lt;retry&gt;</c>/<c>&lt;registration&gt;</c>/<c>&lt;keys&gt;</c>): a retry to the author's device alone (it must
/// resend to the receiver), other types to every device of the author's account but the receiving one.
/// Called by the relay for a group <c>to</c>, after the receipt has acknowledged the receiver's own queue.
/// A receipt naming no author, an unknown group, a non-member receiver or an author that is not a member's device
/// is dropped, logged and counted as a relay error; the real server's reaction is not in docs/PROTOCOL.md.
/// </summary>
internal sealed partial class GroupReceipts(
    AccountDirectory accounts,
    GroupDirectory groups,
    DeviceQueues queues,
    SimulatorStats stats,
    TimeProvider clock,
    ILogger<GroupReceipts> logger)
{
    public async ValueTask SendAsync(Account receiver, int fromDevice, Node receipt, CancellationToken cancellationToken)
    {
        var id = receipt.GetString("id");
        var to = receipt.GetJid("to");
        var type = receipt.GetOptionalString("type");
        var author = receipt.GetOptionalJid("participant");
        var owner = author is { } a ? accounts.Find(a) : null;
        var problem = author is null ? "no participant (the message's author)"
            : !groups.TryGet(to, out var group) ? "unknown group"
            : !group.IsParticipant(receiver.Jid) ? "a receiver that is not a member"
            : owner is null || !group.IsParticipant(owner.Jid) || (author.Value.Device != 0 && owner.FindDevice(author.Value.Device) is null) ? "an author that is not a member's device"
            : null;
        if (problem is not null)
        {
            LogDropped(logger, receiver.Phone, fromDevice, id, problem);
            stats.RelayError();
            return;
        }

        List<NodeAttribute> attributes = [("from", to.ToString()), ("participant", LidAddressing.ReceiptSender(receiver, fromDevice).ToString()), ("id", id)];
        if (type is not null and not "inactive")
        {
            attributes.Add(("type", type));
        }

        attributes.Add(("t", receipt.GetOptionalString("t") ?? clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        var forwarded = receipt.ContentKind == NodeContentKind.Children ? new Node("receipt", attributes, receipt.Children) : new Node("receipt", attributes);
        IEnumerable<int> devices = type is "retry"
            ? [author!.Value.Device]
            : [.. owner!.DeviceIds.Where(d => owner != receiver || d != fromDevice)];
        foreach (var device in devices)
        {
            stats.Relayed();
            await queues.EnqueueAsync(owner!, device, forwarded, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Group receipt {Id} from {Phone}:{Device} dropped: {Reason}")]
    private static partial void LogDropped(ILogger logger, string phone, int device, string id, string reason);
}
