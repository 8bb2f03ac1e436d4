using SessionCluster.Protocol.Binary;

namespace SessionCluster.Testing;

// Realistic message traffic: outgoing and incoming messages, receipts and acks (docs/PROTOCOL.md §9, §10).
public static partial class NodeCorpus
{
    private static readonly string[] MediaTypes = ["image", "video", "audio", "ptt", "document", "sticker", "gif"];
    private static readonly string[] MessageTypes = ["text", "media", "reaction", "poll"];

    private static Node Enc(CorpusValues v, string type, string? mediaType = null) =>
        Bin("enc", v.Bytes(type switch
        {
            "pkmsg" => v.Next(180, 700),
            "skmsg" => v.Next(90, 450),
            _ => v.Next(60, 350),
        }), ("v", "2"), ("type", type), ("mediatype", mediaType), ("decrypt-fail", v.Chance(0.1) ? "hide" : null));

    private static Node DeviceIdentity(CorpusValues v) => Bin("device-identity", v.Bytes(v.Next(150, 260)));

    private static Node MessageDirect(CorpusValues v)
    {
        var toLid = v.Chance(0.5);
        var recipientUser = toLid ? v.Lid() : v.Phone();
        var recipient = toLid ? recipientUser + "@lid" : recipientUser + "@" + Server;
        var ownUser = toLid ? v.Lid() : v.Phone();
        var mediaType = v.Chance(0.3) ? v.Pick(MediaTypes) : null;
        var anyPreKey = false;
        var targets = new List<Node>();
        var deviceCount = v.Next(1, 7);
        for (var d = 0; d < deviceCount; d++)
        {
            var own = d >= deviceCount - 1 && deviceCount > 1;
            var user = own ? ownUser : recipientUser;
            var device = d == 0 ? 0 : v.DeviceNumber();
            var jid = device == 0
                ? (toLid ? $"{user}@lid" : $"{user}@{Server}")
                : (toLid ? $"{user}:{device}@lid" : $"{user}:{device}@{Server}");
            var preKey = v.Chance(0.4);
            anyPreKey |= preKey;
            targets.Add(El("to", [("jid", jid)], Enc(v, preKey ? "pkmsg" : "msg", mediaType)));
        }

        var children = new List<Node> { new("participants", null, targets) };
        if (anyPreKey)
        {
            children.Add(DeviceIdentity(v));
        }

        if (v.Chance(0.3))
        {
            children.Add(Bin("tctoken", v.Bytes(v.Next(20, 40))));
        }

        return new Node("message", Attrs([
            ("id", v.MessageId()),
            ("to", recipient),
            ("type", mediaType is null ? v.Pick(MessageTypes) : "media"),
            ("peer_recipient_pn", toLid && v.Chance(0.5) ? v.PnUser() : null),
            ("edit", v.Chance(0.1) ? "1" : null),
        ]), children);
    }

    private static Node MessageGroup(CorpusValues v)
    {
        var lidMode = v.Chance(0.7);
        var participants = new List<Node>();
        var count = v.Next(1, 12);
        for (var p = 0; p < count; p++)
        {
            var jid = lidMode ? v.LidDevice(v.Lid()) : v.PnDevice(v.Phone());
            participants.Add(El("to", [("jid", jid)], Enc(v, v.Chance(0.5) ? "pkmsg" : "msg")));
        }

        var children = new List<Node>
        {
            new("participants", null, participants),
            Enc(v, "skmsg", v.Chance(0.2) ? v.Pick(MediaTypes) : null),
        };
        if (v.Chance(0.6))
        {
            children.Add(DeviceIdentity(v));
        }

        return new Node("message", Attrs([
            ("to", v.Group()),
            ("id", v.MessageId()),
            ("type", v.Pick(MessageTypes)),
            ("phash", v.Chance(0.5) ? "2:" + Base64ish(v, 8) : null),
            ("addressing_mode", lidMode ? "lid" : "pn"),
        ]), children);
    }

    private static Node MessageIncoming(CorpusValues v)
    {
        var group = v.Chance(0.4);
        var lidSender = v.Chance(0.5);
        var sender = lidSender ? v.LidDevice(v.Lid()) : v.PnDevice(v.Phone());
        var type = group ? "skmsg" : (v.Chance(0.3) ? "pkmsg" : "msg");
        var children = new List<Node> { Enc(v, type, v.Chance(0.2) ? v.Pick(MediaTypes) : null) };
        if (v.Chance(0.2))
        {
            children.Insert(0, El("unavailable", ("type", "view_once")));
        }

        if (v.Chance(0.15))
        {
            children.Add(Bin("verified_name", v.Bytes(v.Next(60, 120))));
        }

        return new Node("message", Attrs([
            ("from", group ? v.Group() : sender),
            ("type", v.Pick(MessageTypes)),
            ("id", v.Chance(0.5) ? v.MessageId() : v.PhoneMessageId()),
            ("offline", v.Chance(0.2) ? "3" : null),
            ("participant", group ? sender : null),
            ("notify", v.PushName()),
            ("t", v.Timestamp()),
            ("addressing_mode", group ? (lidSender ? "lid" : "pn") : null),
            ("sender_pn", !group && lidSender && v.Chance(0.5) ? v.PnUser() : null),
            ("participant_pn", group && lidSender ? v.PnUser() : null),
        ]), children);
    }

    private static Node MessagePeer(CorpusValues v) =>
        new("message", Attrs([
            ("to", v.Phone() + "@" + Server),
            ("id", v.MessageId()),
            ("category", "peer"),
            ("type", "text"),
            ("push_priority", v.Chance(0.5) ? "high_force" : null),
        ]), [El("meta", ("appdata", "default")), Enc(v, "msg")]);

    private static Node ReceiptDelivery(CorpusValues v)
    {
        if (v.Chance(0.5))
        {
            var group = v.Chance(0.4);
            return El("receipt",
                ("id", v.MessageId()),
                ("to", group ? v.Group() : v.PnUser()),
                ("participant", group ? v.LidDevice(v.Lid()) : null),
                ("type", v.Chance(0.4) ? v.Pick(["sender", "inactive", "peer_msg"]) : null));
        }

        return El("receipt",
            ("from", v.Chance(0.5) ? v.PnDevice(v.Phone()) : v.LidUser()),
            ("id", v.MessageId()),
            ("t", v.Timestamp()),
            ("recipient", v.Chance(0.2) ? v.PnUser() : null));
    }

    private static Node ReceiptRead(CorpusValues v)
    {
        var items = new List<Node>();
        var count = v.Next(1, 25);
        for (var i = 0; i < count; i++)
        {
            items.Add(El("item", ("id", v.Chance(0.7) ? v.MessageId() : v.PhoneMessageId())));
        }

        if (v.Chance(0.3))
        {
            // Group receipts as whatsmeow sees them: <participants key=MSGID><user jid t/></participants>.
            var users = Enumerable.Range(0, v.Next(1, 6))
                .Select(_ => El("user", ("jid", v.LidUser()), ("t", v.Timestamp())))
                .ToArray();
            return El("receipt", [("from", v.Group()), ("id", v.MessageId()), ("type", "read"), ("t", v.Timestamp())],
                El("participants", [("key", v.MessageId())], users));
        }

        return El("receipt",
            [
                ("id", v.MessageId()),
                ("to", v.Chance(0.5) ? v.PnUser() : v.LidUser()),
                ("type", v.Pick(["read", "read-self", "played", "played-self"])),
                ("t", v.Timestamp()),
            ],
            El("list", [], [.. items]));
    }

    private static Node ReceiptRetry(CorpusValues v, bool withKeys)
    {
        var children = new List<Node>
        {
            El("retry",
                ("count", withKeys ? Count(v, 2, 5) : "1"),
                ("id", v.MessageId()),
                ("t", v.Timestamp()),
                ("v", "1"),
                ("error", v.Chance(0.5) ? "0" : null)),
            Bin("registration", v.Bytes(4)),
        };
        if (withKeys)
        {
            children.Add(El("keys", [],
                Bin("type", [5]),
                Bin("identity", v.Bytes(32)),
                El("key", [], Bin("id", v.Bytes(3)), Bin("value", v.Bytes(32))),
                El("skey", [], Bin("id", v.Bytes(3)), Bin("value", v.Bytes(32)), Bin("signature", v.Bytes(64))),
                DeviceIdentity(v)));
        }

        var group = v.Chance(0.4);
        return new Node("receipt", Attrs([
            ("id", v.MessageId()),
            ("to", group ? v.Group() : v.PnDevice(v.Phone())),
            ("participant", group ? v.LidDevice(v.Lid()) : null),
            ("type", "retry"),
            ("category", v.Chance(0.1) ? "peer" : null),
        ]), children);
    }

    private static Node Ack(CorpusValues v)
    {
        switch (v.Next(0, 4))
        {
            case 0:
                // Server ack of a sent message.
                return El("ack",
                    ("class", "message"),
                    ("id", v.MessageId()),
                    ("from", v.Chance(0.5) ? v.PnUser() : v.Group()),
                    ("t", v.Timestamp()),
                    ("phash", v.Chance(0.3) ? "2:" + Base64ish(v, 8) : null),
                    ("server_id", v.Chance(0.2) ? Count(v, 100, 99999) : null),
                    ("error", v.Chance(0.1) ? v.Pick(["463", "479"]) : null));
            case 1:
                return El("ack",
                    ("id", v.MessageId()),
                    ("to", v.PnDevice(v.Phone())),
                    ("class", "receipt"),
                    ("type", v.Pick(["read", "retry", "played"])),
                    ("participant", v.Chance(0.3) ? v.LidDevice(v.Lid()) : null));
            case 2:
                return El("ack",
                    ("id", v.Hex(v.Next(8, 20))),
                    ("to", Server),
                    ("class", "notification"),
                    ("type", v.Pick(["devices", "encrypt", "server_sync", "w:gp2", "picture"])));
            default:
                // A NACK for a message that could not be handled, with BL's from=meId.
                return El("ack",
                    ("id", v.PhoneMessageId()),
                    ("to", v.PnUser()),
                    ("class", "message"),
                    ("type", "text"),
                    ("from", v.PnDevice(v.Phone())),
                    ("error", v.Pick(["487", "488", "491", "495", "500"])));
        }
    }
}
