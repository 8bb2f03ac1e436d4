using SessionCluster.Protocol.Binary;

namespace SessionCluster.Protocol.Media;

/// <summary>
/// Which message a media retry is about, as its <c>&lt;rmr&gt;</c> child says (docs/PROTOCOL.md §12 "Media retry"):
/// the message id, its chat, whether the requester sent it itself, and the sender in a group.
/// </summary>
public sealed record MediaRetryTarget(string MessageId, string ChatJid, bool FromMe, string? Participant);

/// <summary>A receiver's server-error receipt as read: what it asks for and its sealed <c>ServerErrorReceipt</c>.</summary>
public sealed record MediaRetryRequest(MediaRetryTarget Target, MediaRetrySealed Sealed);

/// <summary>
/// The sender's answer as read from a <c>mediaretry</c> notification: either the sealed
/// <c>MediaRetryNotification</c> or the <c>&lt;error code&gt;</c> the sender's side gave instead.
/// </summary>
public sealed record MediaRetryAnswer(MediaRetryTarget Target, MediaRetrySealed? Sealed, int? ErrorCode);

/// <summary>
/// The two stanzas of a media retry, built and read in one place for the node and the simulator (docs/PROTOCOL.md §12
/// "Media retry"; Baileys messages-media.js encryptMediaRetryRequest and decodeMediaRetryNode agree on this shape):
/// <c>&lt;receipt id to type="server-error"&gt;&lt;encrypt&gt;&lt;enc_p/&gt;&lt;enc_iv/&gt;&lt;/encrypt&gt;&lt;rmr jid from_me participant/&gt;&lt;/receipt&gt;</c>
/// and <c>&lt;notification id type="mediaretry"&gt;&lt;rmr …/&gt;(&lt;encrypt&gt;…&lt;/encrypt&gt; | &lt;error code/&gt;)&lt;/notification&gt;</c>.
/// </summary>
public static class MediaRetryStanzas
{
    /// <summary>The receipt type of a request.</summary>
    public const string ReceiptType = "server-error";

    /// <summary>The notification type of an answer.</summary>
    public const string NotificationType = "mediaretry";

    /// <summary>The receipt asking the sender to upload again; it goes to the requester's own user (<paramref name="ownUser"/>, no device).</summary>
    public static Node Request(string ownUser, MediaRetryTarget target, MediaRetrySealed sealedRequest)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sealedRequest);
        return new Node("receipt", [("id", target.MessageId), ("to", ownUser), ("type", ReceiptType)], [Encrypt(sealedRequest), Rmr(target)]);
    }

    /// <summary>Reads a server-error receipt.</summary>
    /// <exception cref="MediaRetryException">Malformed: not a server-error receipt, or a part is missing.</exception>
    public static MediaRetryRequest ReadRequest(Node receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        if (receipt.Tag != "receipt" || receipt.GetOptionalString("type") != ReceiptType)
        {
            throw new MediaRetryException(MediaRetryFailure.Malformed, "not a server-error receipt");
        }

        return new MediaRetryRequest(Target(receipt), ReadSealed(receipt.GetOptionalChild("encrypt"))
            ?? throw new MediaRetryException(MediaRetryFailure.Malformed, "the receipt has no <encrypt> with <enc_p> and <enc_iv>"));
    }

    /// <summary>
    /// The sender's sealed answer, from <paramref name="from"/>. Its id is the message's id: that is how the requester
    /// (Baileys decodeMediaRetryNode reads <c>id</c> as the message key's id) matches it to its request.
    /// </summary>
    public static Node Answer(string from, long timestamp, MediaRetryTarget target, MediaRetrySealed sealedAnswer)
    {
        ArgumentNullException.ThrowIfNull(sealedAnswer);
        return Notification(from, timestamp, target, Encrypt(sealedAnswer));
    }

    /// <summary>The answer when the sender's side could not upload again: <c>&lt;error code&gt;</c> with a <c>MediaRetryNotification.ResultType</c> value.</summary>
    public static Node ErrorAnswer(string from, long timestamp, MediaRetryTarget target, int code) =>
        Notification(from, timestamp, target, new Node("error", [("code", code.ToString(System.Globalization.CultureInfo.InvariantCulture))]));

    /// <summary>Reads a mediaretry notification.</summary>
    /// <exception cref="MediaRetryException">Malformed: not a mediaretry notification, or neither a whole <c>&lt;encrypt&gt;</c> nor an <c>&lt;error code&gt;</c>.</exception>
    public static MediaRetryAnswer ReadAnswer(Node notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (notification.Tag != "notification" || notification.GetOptionalString("type") != NotificationType)
        {
            throw new MediaRetryException(MediaRetryFailure.Malformed, "not a mediaretry notification");
        }

        var target = Target(notification);
        if (notification.GetOptionalChild("error") is { } error)
        {
            return new MediaRetryAnswer(target, null, Attribute(() => error.GetOptionalInt("code")) ?? throw new MediaRetryException(MediaRetryFailure.Malformed, "the <error> has no code"));
        }

        return new MediaRetryAnswer(target, ReadSealed(notification.GetOptionalChild("encrypt"))
            ?? throw new MediaRetryException(MediaRetryFailure.Malformed, "the notification has neither <error> nor <encrypt> with <enc_p> and <enc_iv>"), null);
    }

    private static Node Notification(string from, long timestamp, MediaRetryTarget target, Node body) =>
        new("notification",
            [("id", target.MessageId), ("from", from), ("type", NotificationType), ("t", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            [Rmr(target), body]);

    private static Node Encrypt(MediaRetrySealed sealedBytes) =>
        new("encrypt", null, [new Node("enc_p", null, sealedBytes.Ciphertext), new Node("enc_iv", null, sealedBytes.Iv)]);

    private static Node Rmr(MediaRetryTarget target)
    {
        List<NodeAttribute> attributes = [("jid", target.ChatJid), ("from_me", target.FromMe ? "true" : "false")];
        if (target.Participant is { Length: > 0 } participant)
        {
            attributes.Add(("participant", participant));
        }

        return new Node("rmr", attributes);
    }

    private static MediaRetryTarget Target(Node node)
    {
        var id = node.GetOptionalString("id");
        var rmr = node.GetOptionalChild("rmr");
        if (id is not { Length: > 0 } || rmr?.GetOptionalString("jid") is not { Length: > 0 } jid)
        {
            throw new MediaRetryException(MediaRetryFailure.Malformed, $"the <{node.Tag}> has no id or no <rmr jid>");
        }

        // Absent from_me reads as false, as Baileys' decodeMediaRetryNode compares it with "true".
        var fromMe = Attribute(() => rmr.GetOptionalString("from_me") is not null && rmr.GetBool("from_me"));
        return new MediaRetryTarget(id, jid, fromMe, rmr.GetOptionalString("participant"));
    }

    private static MediaRetrySealed? ReadSealed(Node? encrypt) =>
        encrypt?.GetOptionalChild("enc_p") is { ContentKind: NodeContentKind.Bytes } p && encrypt.GetOptionalChild("enc_iv") is { ContentKind: NodeContentKind.Bytes } iv
            ? new MediaRetrySealed(p.Bytes, iv.Bytes)
            : null;

    private static T Attribute<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (NodeAttributeException e)
        {
            throw new MediaRetryException(MediaRetryFailure.Malformed, e.Message, e);
        }
    }
}
