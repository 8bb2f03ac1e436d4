using System.Globalization;
using Microsoft.Extensions.Logging;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.MmsRetry;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator.Relay;

/// <summary>
/// Media retry through the relay (docs/PROTOCOL.md §12 "Media retry"). A receiver sends its server-error receipt to its
/// own user; the server passes it to the devices of the message's sender (named by the receipt's <c>&lt;rmr&gt;</c>:
/// the requester's own account when <c>from_me</c>, else the group participant or the 1:1 chat), whose phone uploads
/// the file again and answers with a <c>mediaretry</c> notification (<see cref="SendNotificationAsync"/>). Simulator
/// choices (docs/SIMULATOR.md): a receipt the relay cannot read is logged and dropped; a sender that is no account here
/// is answered by the server itself with <c>&lt;error code="2"&gt;</c> (NOT_FOUND).
/// </summary>
internal sealed partial class MessageRelay
{
    public async ValueTask SendNotificationAsync(Account account, int device, Node notification, CancellationToken cancellationToken)
    {
        stats.Relayed();
        await queues.EnqueueAsync(account, device, notification, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask RouteMediaRetryAsync(Account requester, int fromDevice, Node receipt, CancellationToken cancellationToken)
    {
        MediaRetryRequest request;
        try
        {
            request = MediaRetryStanzas.ReadRequest(receipt);
        }
        catch (MediaRetryException e)
        {
            LogMediaRetryRefused(logger, requester.Phone, fromDevice, receipt.GetOptionalString("id") ?? string.Empty, e.Message);
            stats.RelayError();
            return;
        }

        var target = request.Target;
        var owner = target.FromMe ? requester
            : Jid.TryParse(target.Participant ?? target.ChatJid, out var author) && !author.IsGroup ? accounts.Find(author)
            : null;
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        if (owner is null)
        {
            LogMediaRetryRefused(logger, requester.Phone, fromDevice, target.MessageId, "the message's sender is no account here");
            var error = MediaRetryStanzas.ErrorAnswer(JidServer.WhatsApp, now, target, (int)MediaRetryNotification.Types.ResultType.NotFound);
            await SendNotificationAsync(requester, fromDevice, error, cancellationToken).ConfigureAwait(false);
            return;
        }

        List<NodeAttribute> attributes =
        [
            ("from", LidAddressing.ReceiptSender(requester, fromDevice).ToString()), ("id", target.MessageId), ("type", MediaRetryStanzas.ReceiptType),
            ("t", now.ToString(CultureInfo.InvariantCulture)),
        ];
        var forwarded = new Node("receipt", attributes, receipt.Children);
        foreach (var device in owner.DeviceIds.Where(d => owner != requester || d != fromDevice))
        {
            stats.Relayed();
            await queues.EnqueueAsync(owner, device, forwarded, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "Media retry receipt {Id} from {Phone}:{Device} refused: {Reason}")]
    private static partial void LogMediaRetryRefused(ILogger logger, string phone, int device, string id, string reason);
}
