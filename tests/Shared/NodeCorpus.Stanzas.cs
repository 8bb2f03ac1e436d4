using System.Globalization;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Testing;

// Realistic stanzas: the shapes of docs/PROTOCOL.md §3 and §6–§13 with realistic values and key sizes.
// Messages, receipts and acks are in NodeCorpus.Messages.cs; this file holds the rest.
public static partial class NodeCorpus
{
    private const int StanzaVariants = 20;
    private const string Server = JidServer.WhatsApp;


    private static void AddStanzas(Builder corpus)
    {
        var v = corpus.Values;
        for (var i = 0; i < StanzaVariants; i++)
        {
            corpus.Add(Categories.MessageDirect, MessageDirect(v));
            corpus.Add(Categories.MessageGroup, MessageGroup(v));
            corpus.Add(Categories.MessageIncoming, MessageIncoming(v));
            corpus.Add(Categories.MessagePeer, MessagePeer(v));
            corpus.Add(Categories.ReceiptDelivery, ReceiptDelivery(v));
            corpus.Add(Categories.ReceiptRead, ReceiptRead(v));
            corpus.Add(Categories.ReceiptRetry, ReceiptRetry(v, withKeys: i % 2 == 0));
            corpus.Add(Categories.Ack, Ack(v));
            corpus.Add(Categories.IqUsyncQuery, UsyncQuery(v));
            corpus.Add(Categories.IqUsyncResult, UsyncResult(v));
            corpus.Add(Categories.IqPreKeyUpload, PreKeyUpload(v, keyCount: i == 0 ? 812 : v.Next(5, 51)));
            corpus.Add(Categories.IqPreKeyBundle, i % 3 == 0 ? PreKeyBundleQuery(v) : PreKeyBundleResult(v));
            corpus.Add(Categories.IqPing, Ping(v, i % 4));
            corpus.Add(Categories.NotificationDevices, DevicesNotification(v));
            corpus.Add(Categories.NotificationEncrypt, EncryptNotification(v));
            corpus.Add(Categories.NotificationServerSync, ServerSyncNotification(v));
            corpus.Add(Categories.Success, Success(v));
            corpus.Add(Categories.Failure, Failure(v));
            corpus.Add(Categories.StreamError, StreamError(i % 5));
            corpus.Add(Categories.IbOffline, El("ib", [("from", Server)], El("offline", ("count", Count(v, 0, 5000)))));
            corpus.Add(Categories.IbOfflinePreview, OfflinePreview(v, i % 2 == 0));
            corpus.Add(Categories.IbDirty, Dirty(v, i % 2 == 0));
            corpus.Add(Categories.Presence, Presence(v));
            corpus.Add(Categories.ChatState, ChatState(v));
        }
    }

    private static string Count(CorpusValues v, int min, int max) => v.Next(min, max).ToString(CultureInfo.InvariantCulture);

    private static Node UsyncQuery(CorpusValues v)
    {
        var users = Enumerable.Range(0, v.Next(1, 10))
            .Select(_ => v.Chance(0.8)
                ? El("user", ("jid", v.Chance(0.5) ? v.PnUser() : v.LidUser()))
                : El("user", [], Txt("contact", "+" + v.Phone())))
            .ToArray();
        var protocols = v.Chance(0.7)
            ? new[] { El("devices", ("version", "2")), El("lid") }
            : [El("business", [], El("verified_name")), El("status"), El("picture"), El("devices", ("version", "2")), El("lid")];
        return El("iq", [("id", v.IqId()), ("to", Server), ("type", "get"), ("xmlns", "usync")],
            El("usync",
                [("sid", v.IqId()), ("mode", v.Pick(["query", "full"])), ("context", v.Pick(["message", "interactive", "background"])), ("last", "true"), ("index", "0")],
                El("query", [], protocols),
                El("list", [], users)));
    }

    private static Node UsyncResult(CorpusValues v)
    {
        var users = new List<Node>();
        var userCount = v.Next(1, 6);
        for (var u = 0; u < userCount; u++)
        {
            var devices = new List<Node> { El("device", ("id", "0")) };
            var deviceCount = v.Next(0, 5);
            for (var d = 0; d < deviceCount; d++)
            {
                devices.Add(El("device",
                    ("id", v.DeviceNumber().ToString(CultureInfo.InvariantCulture)),
                    ("key-index", Count(v, 1, 40)),
                    ("is_hosted", v.Chance(0.05) ? "true" : null)));
            }

            users.Add(El("user", [("jid", v.PnUser())],
                El("devices", [],
                    new Node("device-list", null, devices),
                    Bin("key-index-list", v.Bytes(v.Next(100, 160)), ("ts", v.Timestamp()), ("expected_ts", v.Chance(0.3) ? v.Timestamp() : null))),
                El("lid", ("val", v.LidUser()))));
        }

        return El("iq", [("from", Server), ("id", v.IqId()), ("type", "result")],
            El("usync", [("sid", v.IqId()), ("mode", "query"), ("context", "message"), ("last", "true"), ("index", "0")],
                El("result", [], El("devices"), El("lid")),
                new Node("list", null, users)));
    }

    private static Node PreKeyUpload(CorpusValues v, int keyCount)
    {
        var keys = Enumerable.Range(0, keyCount)
            .Select(_ => El("key", [], Bin("id", v.Bytes(3)), Bin("value", v.Bytes(32))))
            .ToArray();
        return El("iq", [("id", v.IqId()), ("xmlns", "encrypt"), ("type", "set"), ("to", Server)],
            Bin("registration", v.Bytes(4)),
            Bin("type", [5]),
            Bin("identity", v.Bytes(32)),
            El("list", [], keys),
            El("skey", [], Bin("id", v.Bytes(3)), Bin("value", v.Bytes(32)), Bin("signature", v.Bytes(64))));
    }

    private static Node PreKeyBundleQuery(CorpusValues v)
    {
        var users = Enumerable.Range(0, v.Next(1, 8))
            .Select(_ => El("user", ("jid", v.Chance(0.5) ? v.PnDevice(v.Phone()) : v.LidDevice(v.Lid())), ("reason", v.Chance(0.6) ? "identity" : null)))
            .ToArray();
        return El("iq", [("id", v.IqId()), ("xmlns", "encrypt"), ("type", "get"), ("to", Server)], El("key", [], users));
    }

    private static Node PreKeyBundleResult(CorpusValues v)
    {
        var users = new List<Node>();
        var count = v.Next(1, 6);
        for (var u = 0; u < count; u++)
        {
            var parts = new List<Node>
            {
                Bin("registration", v.Bytes(4)),
                Bin("type", [5]),
                Bin("identity", v.Bytes(32)),
                El("skey", [], Bin("id", v.Bytes(3)), Bin("value", v.Bytes(32)), Bin("signature", v.Bytes(64))),
            };
            if (v.Chance(0.8))
            {
                parts.Add(El("key", [], Bin("id", v.Bytes(3)), Bin("value", v.Bytes(32))));
            }

            var jid = v.Chance(0.5) ? v.PnDevice(v.Phone()) : v.LidDevice(v.Lid());
            users.Add(v.Chance(0.2)
                ? El("user", [("jid", jid)], new Node("keys", null, parts))
                : new Node("user", [new NodeAttribute("jid", jid)], parts));
        }

        return El("iq", [("from", Server), ("id", v.IqId()), ("type", "result")], new Node("list", null, users));
    }

    private static Node Ping(CorpusValues v, int variant) => variant switch
    {
        0 => El("iq", [("id", v.IqId()), ("to", Server), ("type", "get"), ("xmlns", "w:p")], El("ping")),
        1 => El("iq", ("id", v.IqId()), ("to", Server), ("type", "get"), ("xmlns", "w:p")),
        2 => El("iq", ("from", Server), ("id", v.IqId()), ("type", "result"), ("t", v.Timestamp())),
        _ => El("iq", ("from", Server), ("id", v.IqId()), ("type", "get"), ("xmlns", "urn:xmpp:ping"), ("t", v.Timestamp())),
    };

    private static Node DevicesNotification(CorpusValues v)
    {
        var phone = v.Phone();
        var lid = v.Lid();
        var action = v.Pick(["add", "remove", "update"]);
        Node body = action == "update"
            ? El("update", ("hash", Base64ish(v, 8)))
            : El(action, [("device_hash", "2:" + Base64ish(v, 8)), ("device_lid_hash", v.Chance(0.5) ? "2:" + Base64ish(v, 8) : null)],
                El("device", ("jid", v.PnDevice(phone)), ("lid", v.LidDevice(lid)), ("key-index", action == "add" ? Count(v, 1, 40) : null)),
                Bin("key-index-list", v.Bytes(v.Next(100, 160)), ("ts", v.Timestamp())));
        return El("notification", [("from", phone + "@" + Server), ("id", Count(v, 100_000_000, int.MaxValue)), ("t", v.Timestamp()), ("type", "devices"), ("lid", lid + "@lid")], body);
    }

    private static Node EncryptNotification(CorpusValues v) => v.Chance(0.7)
        ? El("notification", [("from", Server), ("id", Count(v, 1000, int.MaxValue)), ("t", v.Timestamp()), ("type", "encrypt")],
            El("count", ("value", Count(v, 0, 5))))
        : El("notification", [("from", v.PnUser()), ("id", Count(v, 1000, int.MaxValue)), ("t", v.Timestamp()), ("type", "encrypt")],
            El("identity"));

    private static Node ServerSyncNotification(CorpusValues v)
    {
        string[] names = ["critical_block", "critical_unblock_low", "regular_high", "regular", "regular_low"];
        var collections = names.Where(_ => v.Chance(0.5)).DefaultIfEmpty("regular")
            .Select(name => El("collection", ("name", name), ("version", Count(v, 1, 100_000))))
            .ToArray();
        return El("notification", [("from", v.PnUser()), ("id", Count(v, 1000, int.MaxValue)), ("t", v.Timestamp()), ("type", "server_sync")], collections);
    }

    private static Node Success(CorpusValues v) => El("success",
        ("t", v.Timestamp()),
        ("props", Count(v, 1, 40_000)),
        ("abprops", Count(v, 1, 40_000)),
        ("group_abprops", v.Chance(0.5) ? Count(v, 1, 40_000) : null),
        ("location", v.Pick(["frc", "atn", "ams", "sin"])),
        ("creation", v.Timestamp()),
        ("lid", v.LidUser()),
        ("display_name", v.Chance(0.5) ? v.PushName() : null),
        ("companion_enc_static", v.Chance(0.5) ? Base64ish(v, 44) : null));

    private static Node Failure(CorpusValues v)
    {
        var reason = v.Pick(["400", "401", "402", "403", "405", "406", "409", "413", "414", "415", "418", "500", "501", "503"]);
        return El("failure",
            ("reason", reason),
            ("location", v.Pick(["frc", "atn", "ams"])),
            ("code", reason == "402" ? Count(v, 100, 200) : null),
            ("expire", reason == "402" ? Count(v, 3600, 86_400) : null));
    }

    private static Node StreamError(int variant) => variant switch
    {
        0 => El("stream:error", [("code", "401")], El("conflict", ("type", "device_removed"))),
        1 => El("stream:error", [], El("conflict", ("type", "replaced"))),
        2 => El("stream:error", ("code", "515")),
        3 => El("stream:error", ("code", "503")),
        _ => El("stream:error", [], El("conflict", ("type", "replaced")), Txt("text", "Replaced by new connection")),
    };

    private static Node OfflinePreview(CorpusValues v, bool fromServer) => fromServer
        ? El("ib", [("from", Server)],
            El("offline_preview",
                ("count", Count(v, 0, 2000)),
                ("appdata", Count(v, 0, 50)),
                ("message", Count(v, 0, 1500)),
                ("notification", Count(v, 0, 300)),
                ("receipt", Count(v, 0, 800))))
        : El("ib", [], El("offline_batch", ("count", "100")));

    private static Node Dirty(CorpusValues v, bool fromServer) => fromServer
        ? El("ib", [("from", Server)], El("dirty", ("type", v.Pick(["account_sync", "groups"])), ("timestamp", v.Timestamp())))
        : El("iq", [("id", v.IqId()), ("to", Server), ("type", "set"), ("xmlns", "urn:xmpp:whatsapp:dirty")],
            El("clean", ("type", v.Pick(["account_sync", "groups"])), ("timestamp", v.Timestamp())));

    private static Node Presence(CorpusValues v) => v.Next(0, 4) switch
    {
        0 => El("presence", ("type", "available"), ("name", v.PushName())),
        1 => El("presence", [("type", "subscribe"), ("to", v.Chance(0.5) ? v.PnUser() : v.LidUser())], Bin("tctoken", v.Bytes(v.Next(20, 40)))),
        2 => El("presence", ("type", "subscribe"), ("to", v.PnUser())),
        _ => El("presence", ("from", v.PnUser()), ("type", v.Pick(["available", "unavailable"])), ("last", v.Chance(0.5) ? v.Timestamp() : "deny")),
    };

    private static Node ChatState(CorpusValues v) => v.Next(0, 3) switch
    {
        0 => El("chatstate", [("to", v.Chance(0.7) ? v.PnUser() : v.Group())], El("composing", ("media", v.Chance(0.3) ? "audio" : null))),
        1 => El("chatstate", [("to", v.LidUser())], El("paused")),
        _ => El("chatstate", [("from", v.Group()), ("participant", v.LidUser())], El(v.Pick(["composing", "paused"]))),
    };

    /// <summary>Base64-looking text (hashes, keys printed as text), mostly written raw.</summary>
    private static string Base64ish(CorpusValues v, int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = alphabet[v.Next(0, alphabet.Length)];
        }

        return new string(chars);
    }
}
