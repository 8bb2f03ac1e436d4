using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Sessions.Flows;
using static SessionCluster.Sessions.Connection.ConnectionProtocol;

namespace SessionCluster.Sessions;

/// <summary>
/// Incoming calls (<see cref="Calls"/>): an offer is rejected when <see cref="SessionSettings.RejectCalls"/> is on (the
/// caller's phone shows the call declined), and otherwise left to ring on the user's phone; either way it becomes a
/// <see cref="CallOfferBody"/> event, durable before the <c>&lt;call&gt;</c> is acked. Other call stanzas are acked only.
/// </summary>
public sealed partial class SessionActor
{
    private void OnCallStanza(Node call)
    {
        var connection = _connection;
        if (Calls.ReadOffer(call) is not { } offer)
        {
            connection?.Tell(new SendNode(Receipts.Ack(call)));
            return;
        }

        var reject = Settings.RejectCalls && connection is not null;
        if (reject)
        {
            var own = new Jid(OwnUser, JidServer.WhatsApp);
            connection!.Tell(new SendNode(Calls.Reject(MessageIds.New(OwnUser, _dependencies.Clock.GetUtcNow()), own, offer)));
            CapabilitiesLog.CallRejected(_logger, _id.Value, offer.CallId);
        }

        var at = long.TryParse(call.GetOptionalString("t"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var t)
            ? DateTimeOffset.FromUnixTimeSeconds(t)
            : _dependencies.Clock.GetUtcNow();
        PersistEvents([new CallOfferBody(offer.CallId, offer.Creator.ToString(), offer.Video, reject, at)], () => connection?.Tell(new SendNode(Receipts.Ack(call))));
    }
}
