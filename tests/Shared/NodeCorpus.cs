using SessionCluster.Protocol.Binary;

namespace SessionCluster.Testing;

/// <summary>One generated node, named for failure messages and grouped by what it exercises.</summary>
/// <param name="Name">Unique within a corpus, e.g. <c>stanza/receipt-retry#3</c>.</param>
/// <param name="Category">One of <see cref="NodeCorpus.Categories"/>.</param>
/// <param name="Node">The node.</param>
public sealed record CorpusNode(string Name, string Category, Node Node)
{
    public override string ToString() => Name;
}

/// <summary>
/// A deterministic corpus of binary nodes for codec interop tests and benchmarks: stanzas shaped
/// like WhatsApp's (docs/PROTOCOL.md §3, §6–§13) and randomized nodes that reach every corner of the
/// format (every token, packed strings of every length, every JID form, every length prefix, deep
/// nesting, 16-bit list sizes).
/// </summary>
/// <remarks>
/// Depends only on SessionCluster.Protocol and the BCL, because the benchmark project compiles it
/// too. Attribute keys are never integer-like ("12") or Object.prototype names: a JavaScript
/// object cannot keep such keys in insertion order, so Baileys could not be handed the node as is.
/// </remarks>
public static partial class NodeCorpus
{
    /// <summary>The seed of the corpus the tests and benchmarks use.</summary>
    public const int DefaultSeed = 0x5E55_1C;

    /// <summary>The size of the largest binaries in the corpus: 1 MiB, the first length written with BINARY_32.</summary>
    public const int LargeBinaryLength = 1 << 20;

    /// <summary>Category names. <c>stanza/…</c> are realistic stanzas, <c>random/…</c> randomized nodes.</summary>
    public static class Categories
    {
        public const string MessageDirect = "stanza/message-direct";
        public const string MessageGroup = "stanza/message-group";
        public const string MessageIncoming = "stanza/message-incoming";
        public const string MessagePeer = "stanza/message-peer";
        public const string ReceiptDelivery = "stanza/receipt-delivery";
        public const string ReceiptRead = "stanza/receipt-read";
        public const string ReceiptRetry = "stanza/receipt-retry";
        public const string Ack = "stanza/ack";
        public const string IqUsyncQuery = "stanza/iq-usync-query";
        public const string IqUsyncResult = "stanza/iq-usync-result";
        public const string IqPreKeyUpload = "stanza/iq-prekey-upload";
        public const string IqPreKeyBundle = "stanza/iq-prekey-bundle";
        public const string IqPing = "stanza/iq-ping";
        public const string NotificationDevices = "stanza/notification-devices";
        public const string NotificationEncrypt = "stanza/notification-encrypt";
        public const string NotificationServerSync = "stanza/notification-server-sync";
        public const string Success = "stanza/success";
        public const string Failure = "stanza/failure";
        public const string StreamError = "stanza/stream-error";
        public const string IbOffline = "stanza/ib-offline";
        public const string IbOfflinePreview = "stanza/ib-offline-preview";
        public const string IbDirty = "stanza/ib-dirty";
        public const string Presence = "stanza/presence";
        public const string ChatState = "stanza/chatstate";

        public const string TokenSingle = "random/token-single";
        public const string TokenDouble0 = "random/token-double-0";
        public const string TokenDouble1 = "random/token-double-1";
        public const string TokenDouble2 = "random/token-double-2";
        public const string TokenDouble3 = "random/token-double-3";
        public const string Nibble = "random/nibble";
        public const string Hex = "random/hex";
        public const string RawUtf8 = "random/raw-utf8";
        public const string JidPair = "random/jid-pair";
        public const string JidServerOnly = "random/jid-server-only";
        public const string JidAd = "random/jid-ad";
        public const string JidAdDeviceZero = "random/jid-ad-device-0";
        public const string JidGroup = "random/jid-group";
        public const string JidBroadcast = "random/jid-broadcast";
        public const string JidNewsletter = "random/jid-newsletter";
        public const string BinarySizes = "random/binary-sizes";
        public const string ContentForms = "random/content-forms";
        public const string Nesting = "random/nesting-depth-5";
        public const string List16 = "random/list-16";
        public const string Mixed = "random/mixed";

        /// <summary>Every realistic stanza category.</summary>
        public static IReadOnlyList<string> Stanzas { get; } =
        [
            MessageDirect, MessageGroup, MessageIncoming, MessagePeer, ReceiptDelivery, ReceiptRead, ReceiptRetry, Ack,
            IqUsyncQuery, IqUsyncResult, IqPreKeyUpload, IqPreKeyBundle, IqPing, NotificationDevices,
            NotificationEncrypt, NotificationServerSync, Success, Failure, StreamError, IbOffline, IbOfflinePreview,
            IbDirty, Presence, ChatState,
        ];

        /// <summary>Every randomized category.</summary>
        public static IReadOnlyList<string> Randomized { get; } =
        [
            TokenSingle, TokenDouble0, TokenDouble1, TokenDouble2, TokenDouble3, Nibble, Hex, RawUtf8, JidPair,
            JidServerOnly, JidAd, JidAdDeviceZero, JidGroup, JidBroadcast, JidNewsletter, BinarySizes, ContentForms,
            Nesting, List16, Mixed,
        ];

        /// <summary>All categories.</summary>
        public static IReadOnlyList<string> All { get; } = [.. Stanzas, .. Randomized];
    }

    /// <summary>The single-byte tokens the corpus draws from (index 0, the empty string, is never emitted).</summary>
    public static IReadOnlyList<string> SingleByteTokens => Tokens.SingleByte;

    /// <summary>The four double-byte dictionaries the corpus draws from.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> DoubleByteTokens => Tokens.DoubleByte;

    /// <summary>Generates the corpus for <paramref name="seed"/>: the same nodes in the same order every time.</summary>
    public static IReadOnlyList<CorpusNode> Generate(int seed = DefaultSeed)
    {
        var corpus = new Builder(new CorpusValues(seed));
        AddStanzas(corpus);
        AddRandomized(corpus);
        return corpus.Nodes;
    }

    /// <summary>
    /// True when JavaScript would reorder <paramref name="key"/> in an object (an array index:
    /// canonical decimal below 2^32 - 1) or treat it specially (<c>__proto__</c>); the corpus never
    /// uses such keys.
    /// </summary>
    public static bool IsUnsafeJavaScriptKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key == "__proto__")
        {
            return true;
        }

        if (key.Length == 0 || key.Length > 10 || (key.Length > 1 && key[0] == '0'))
        {
            return false;
        }

        foreach (var c in key)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return ulong.Parse(key, System.Globalization.CultureInfo.InvariantCulture) < uint.MaxValue;
    }

    /// <summary>Collects nodes and numbers them per category.</summary>
    private sealed class Builder(CorpusValues values)
    {
        private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

        public CorpusValues Values { get; } = values;

        public List<CorpusNode> Nodes { get; } = [];

        public void Add(string category, Node node, string? detail = null)
        {
            _counts.TryGetValue(category, out var count);
            _counts[category] = count + 1;
            var name = detail is null ? $"{category}#{count}" : $"{category}#{count} ({detail})";
            Nodes.Add(new CorpusNode(name, category, node));
        }
    }

    private static Node El(string tag, params (string Key, string? Value)[] attributes) => new(tag, Attrs(attributes));

    private static Node El(string tag, (string Key, string? Value)[] attributes, params Node[] children) =>
        new(tag, Attrs(attributes), children);

    private static Node Bin(string tag, byte[] bytes, params (string Key, string? Value)[] attributes) =>
        new(tag, Attrs(attributes), bytes);

    private static Node Txt(string tag, string text, params (string Key, string? Value)[] attributes) =>
        new(tag, Attrs(attributes), text);

    /// <summary>Attributes in order, leaving out the ones whose value is null (optional attributes not sent).</summary>
    private static NodeAttribute[] Attrs((string Key, string? Value)[] attributes) =>
        [.. attributes.Where(a => a.Value is not null).Select(a => new NodeAttribute(a.Key, a.Value!))];
}
