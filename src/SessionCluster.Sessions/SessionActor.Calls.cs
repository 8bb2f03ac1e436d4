using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Sessions.Flows;
using static SessionCluster.Sessions.Connection.ConnectionProtocol;

namespace SessionCluster.Sessions;

/// <summary>
/// Incoming calls (<see cref="Calls"/>): every <c>&lt;call&gt;</c> is acked; an offer is rejected when
/// <see cref="SessionSettings.RejectCalls"/> is on (the caller's phone shows the call declined), and otherwise left to ring
/// on the user's phone. Nothing is stored.
/// </summary>
public sealed partial class SessionActor
{
    private void OnCallStanza(Node call)
    {
        if (Settings.RejectCalls && Calls.ReadOffer(call) is { } offer && _connection is not null)
        {
            var own = new Jid(OwnUser, JidServer.WhatsApp);
            _connection.Tell(new SendNode(Calls.Reject(MessageIds.New(OwnUser, _dependencies.Clock.GetUtcNow()), own, offer)));
            CapabilitiesLog.CallRejected(_logger, _id.Value, offer.CallId);
        }

        _connection?.Tell(new SendNode(Receipts.Ack(call)));
    }
}
