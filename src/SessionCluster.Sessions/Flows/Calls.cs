using SessionCluster.Protocol.Binary;

namespace SessionCluster.Sessions.Flows;

/// <summary>An incoming call offer: the call's id, who placed it, and the stanza's sender.</summary>
/// <summary>A call offer: its id, who calls (no device), and whether it is a video call (the offer holds a <c>&lt;video&gt;</c>).</summary>
public sealed record CallOffer(string CallId, Jid Creator, bool Video = false);

/// <summary>
/// Calls on the wire (whatsmeow call.go handleCallEvent / RejectCall, Baileys rejectCall): the server sends
/// <c>&lt;call from id t&gt;&lt;offer call-id call-creator …/&gt;&lt;/call&gt;</c> (one child; other children are the call's
/// later steps), the client acks it (<c>&lt;ack class="call"&gt;</c>, <see cref="Receipts.Ack"/>) and may answer
/// <c>&lt;call id from=OWN to=CREATOR&gt;&lt;reject call-id call-creator=CREATOR count="0"/&gt;&lt;/call&gt;</c>, both jids
/// without device. Pure reader and builder.
/// </summary>
public static class Calls
{
    /// <summary>The offer a <c>&lt;call&gt;</c> carries, or null when it carries something else (or is malformed).</summary>
    public static CallOffer? ReadOffer(Node call)
    {
        if (call.ContentKind != NodeContentKind.Children || call.Children.Count != 1 || call.Children[0] is not { Tag: "offer" } offer)
        {
            return null;
        }

        var creator = offer.GetOptionalJid("call-creator") ?? call.GetOptionalJid("from");
        var video = offer.ContentKind == NodeContentKind.Children && offer.Children.Any(c => c.Tag == "video");
        return offer.GetOptionalString("call-id") is { Length: > 0 } callId && creator is { } jid ? new CallOffer(callId, jid.ToNonAd(), video) : null;
    }

    /// <summary>The reject of <paramref name="offer"/>, sent as <paramref name="own"/> (the session's account).</summary>
    public static Node Reject(string stanzaId, Jid own, CallOffer offer) =>
        new("call", [("id", stanzaId), ("from", own.ToNonAd().ToString()), ("to", offer.Creator.ToString())],
        [
            new Node("reject", [("call-id", offer.CallId), ("call-creator", offer.Creator.ToString()), ("count", "0")]),
        ]);
}
