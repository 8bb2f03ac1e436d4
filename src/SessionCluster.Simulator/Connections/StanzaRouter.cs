using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Linking;

namespace SessionCluster.Simulator.Connections;

/// <summary>
/// Sends each stanza a client sends to the file that handles that wire concept: iq answers to the server's own
/// queries, iq requests by <c>xmlns</c> (<see cref="IqRouter"/>), <c>&lt;ib&gt;</c>, presence and chatstate
/// (<see cref="Presence"/>), messages, receipts and acks (<see cref="Relay.MessageRelay"/>), and calls (<see cref="Calls"/>).
/// What the simulator does not handle is logged once per kind and not answered (never a crash).
/// </summary>
internal sealed class StanzaRouter(IqRouter iqs, Presence presence, Relay.MessageRelay relay, Calls calls)
{
    /// <exception cref="MalformedStanzaException">The stanza is too broken to answer; the caller ends the stream.</exception>
    public ValueTask RouteAsync(ChatConnection connection, Node node, CancellationToken cancellationToken)
    {
        switch (node.Tag)
        {
            case "iq":
                return iqs.RouteAsync(connection, node, cancellationToken);
            case "ib":
                InfoBroadcast.Handle(connection, node);
                return ValueTask.CompletedTask;
            case "message":
                return relay.HandleMessageAsync(connection, node, cancellationToken);
            case "receipt":
                return relay.HandleReceiptAsync(connection, node, cancellationToken);
            case "ack" when connection.LoggedIn is null:
                return LinkCodeRegistration.HandleAckBeforeLoginAsync(connection, node);
            case "ack":
                relay.HandleAck(connection, node);
                return ValueTask.CompletedTask;
            case "presence" or "chatstate":
                // The real server sends nothing back to the sender for either.
                RequireNoContentBeyond(node);
                return presence.HandleAsync(connection, node, cancellationToken);
            case "call":
                calls.Handle(connection, node);
                return ValueTask.CompletedTask;
            default:
                connection.ReportUnhandled("<" + node.Tag + ">");
                return ValueTask.CompletedTask;
        }
    }

    private static void RequireNoContentBeyond(Node node)
    {
        if (node.ContentKind is NodeContentKind.Text or NodeContentKind.Bytes)
        {
            throw new MalformedStanzaException($"<{node.Tag}> carries raw content.");
        }
    }
}
