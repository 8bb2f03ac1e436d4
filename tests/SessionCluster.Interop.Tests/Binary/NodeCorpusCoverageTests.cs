using System.Text;
using System.Text.RegularExpressions;
using SessionCluster.Protocol.Binary;
using SessionCluster.Testing;

namespace SessionCluster.Interop.Tests.Binary;

/// <summary>
/// Pins what the interop corpus covers, so that it cannot silently shrink: its size, its categories,
/// and the corners of the format it reaches. The expected lists are spelled out here on purpose,
/// independent of <see cref="NodeCorpus.Categories"/>.
/// </summary>
[Trait("Category", "Interop")]
public sealed partial class NodeCorpusCoverageTests
{
    private static readonly Lazy<IReadOnlyList<CorpusNode>> Corpus = new(() => NodeCorpus.Generate());

    private static readonly Dictionary<string, string> StanzaRootTags = new()
    {
        ["stanza/message-direct"] = "message", ["stanza/message-group"] = "message", ["stanza/message-incoming"] = "message",
        ["stanza/message-peer"] = "message", ["stanza/receipt-delivery"] = "receipt", ["stanza/receipt-read"] = "receipt",
        ["stanza/receipt-retry"] = "receipt", ["stanza/ack"] = "ack", ["stanza/iq-usync-query"] = "iq",
        ["stanza/iq-usync-result"] = "iq", ["stanza/iq-prekey-upload"] = "iq", ["stanza/iq-prekey-bundle"] = "iq",
        ["stanza/iq-ping"] = "iq", ["stanza/notification-devices"] = "notification",
        ["stanza/notification-encrypt"] = "notification", ["stanza/notification-server-sync"] = "notification",
        ["stanza/success"] = "success", ["stanza/failure"] = "failure", ["stanza/stream-error"] = "stream:error",
        ["stanza/ib-offline"] = "ib", ["stanza/ib-offline-preview"] = "ib", ["stanza/ib-dirty"] = "ib|iq",
        ["stanza/presence"] = "presence", ["stanza/chatstate"] = "chatstate",
    };

    private static readonly string[] RandomizedCategories =
    [
        "random/token-single", "random/token-double-0", "random/token-double-1", "random/token-double-2",
        "random/token-double-3", "random/nibble", "random/hex", "random/raw-utf8", "random/jid-pair",
        "random/jid-server-only", "random/jid-ad", "random/jid-ad-device-0", "random/jid-group", "random/jid-broadcast",
        "random/jid-newsletter", "random/binary-sizes", "random/content-forms", "random/nesting-depth-5",
        "random/list-16", "random/mixed",
    ];

    private static IEnumerable<Node> AllNodes(Node node) => node.Children.SelectMany(AllNodes).Prepend(node);

    private static IEnumerable<string> AllStrings => Corpus.Value.SelectMany(c => BinaryDifferences.Strings(c.Node));

    private static int Height(Node node) => 1 + (node.Children.Count == 0 ? 0 : node.Children.Max(Height));

    [Fact]
    public void Corpus_has_at_least_a_thousand_uniquely_named_nodes_in_exactly_the_expected_categories()
    {
        var corpus = Corpus.Value;

        Assert.True(corpus.Count >= 1000, $"the corpus has {corpus.Count} nodes");
        Assert.Equal(corpus.Count, corpus.Select(c => c.Name).Distinct().Count());
        Assert.Equal([.. StanzaRootTags.Keys, .. RandomizedCategories], NodeCorpus.Categories.All);
        Assert.Equal(NodeCorpus.Categories.All.Order(), corpus.Select(c => c.Category).Distinct().Order());
    }

    [Fact]
    public void Every_stanza_category_has_twenty_stanzas_of_its_root_tag()
    {
        foreach (var (category, tags) in StanzaRootTags)
        {
            var nodes = Corpus.Value.Where(c => c.Category == category).ToList();
            Assert.True(nodes.Count >= 20, $"{category} has {nodes.Count} nodes");
            Assert.All(nodes, c => Assert.Contains(c.Node.Tag, tags.Split('|')));
        }
    }

    [Fact]
    public void Stanzas_carry_realistic_ids_keys_and_envelopes()
    {
        var nodes = Corpus.Value.Where(c => c.Category.StartsWith("stanza/", StringComparison.Ordinal)).SelectMany(c => AllNodes(c.Node)).ToList();
        var strings = nodes.SelectMany(n => n.Attributes.Select(a => a.Value)).ToHashSet();

        Assert.Contains(strings, s => MessageId().IsMatch(s));
        Assert.Contains(strings, s => PhoneDevice().IsMatch(s));
        Assert.Contains(strings, s => LidDevice().IsMatch(s));
        Assert.Contains(strings, s => s.StartsWith("120363", StringComparison.Ordinal) && s.EndsWith("@g.us", StringComparison.Ordinal));
        foreach (var type in new[] { "pkmsg", "msg", "skmsg" })
        {
            Assert.Contains(nodes, n => n.Tag == "enc" && n.Attributes.Contains(new("type", type)) && n.Bytes.Length >= 60);
        }

        Assert.Contains(nodes, n => n.Tag == "device-identity" && n.Bytes.Length >= 150);
        Assert.Contains(nodes, n => n.Tag == "registration" && n.Bytes.Length == 4);
        Assert.Contains(nodes, n => n.Tag == "signature" && n.Bytes.Length == 64);
        Assert.Contains(nodes, n => n.Tag == "keys" && n.Children.Any(k => k.Tag == "skey"));
        Assert.Contains(nodes, n => n.Tag == "device-list" && n.Children.Count >= 2);
        Assert.Contains(nodes, n => n.Tag == "list" && n.Children.Count == 812);
        Assert.Contains(nodes, n => n.Tag == "conflict");
        foreach (var tag in new[] { "offline", "offline_preview", "dirty", "composing", "paused", "ping", "collection", "count", "item", "retry" })
        {
            Assert.Contains(nodes, n => n.Tag == tag);
        }
    }

    [Fact]
    public void Every_token_of_every_dictionary_appears()
    {
        var strings = AllStrings.ToHashSet(StringComparer.Ordinal);

        AssertNoneMissing("single-byte tokens", Tokens.SingleByte.Skip(1).Where(t => !strings.Contains(t)));
        for (var d = 0; d < Tokens.DoubleByte.Length; d++)
        {
            AssertNoneMissing($"dictionary {d} tokens", Tokens.DoubleByte[d].Where(t => !strings.Contains(t)));
        }
    }

    [Fact]
    public void Packed_strings_of_every_length_and_the_raw_lengths_just_past_them_appear()
    {
        var strings = AllStrings.ToHashSet(StringComparer.Ordinal);
        var nibble = strings.Where(s => NibbleOnly().IsMatch(s)).Select(s => s.Length).ToHashSet();
        var hex = strings.Where(s => HexOnly().IsMatch(s) && !NibbleOnly().IsMatch(s)).Select(s => s.Length).ToHashSet();

        AssertNoneMissing("nibble lengths", Enumerable.Range(1, 129).Where(length => !nibble.Contains(length)));
        AssertNoneMissing("hex lengths", Enumerable.Range(1, 129).Where(length => !hex.Contains(length)));
    }

    [Fact]
    public void Raw_strings_cross_every_length_prefix_and_include_non_ASCII()
    {
        var lengths = AllStrings.Where(s => !s.Contains('@', StringComparison.Ordinal)).Select(s => Encoding.UTF8.GetByteCount(s)).ToHashSet();

        Assert.Contains(AllStrings, s => s.Any(c => c > 0x7F) && !s.Contains('@', StringComparison.Ordinal));
        Assert.Contains(AllStrings, s => s.Any(char.IsSurrogate));
        foreach (var length in new[] { 255, 256, (1 << 20) - 1, 1 << 20 })
        {
            Assert.Contains(length, lengths);
        }
    }

    [Fact]
    public void Every_JID_form_appears()
    {
        var strings = AllStrings.ToHashSet(StringComparer.Ordinal);
        foreach (var server in new[] { "s.whatsapp.net", "lid", "hosted", "hosted.lid" })
        {
            var devices = strings.Where(s => s.EndsWith("@" + server, StringComparison.Ordinal) && s.Contains(':', StringComparison.Ordinal))
                .Select(s => int.Parse(s[(s.IndexOf(':', StringComparison.Ordinal) + 1)..s.IndexOf('@', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture))
                .ToHashSet();
            AssertNoneMissing($"devices on {server}", Enumerable.Range(0, 256).Where(device => !devices.Contains(device)));
            Assert.Contains(strings, s => s.EndsWith("@" + server, StringComparison.Ordinal) && !s.Contains(':', StringComparison.Ordinal) && !s.StartsWith('@'));
        }

        foreach (var server in new[] { "g.us", "broadcast", "newsletter", "c.us", "bot", "call", "msgr" })
        {
            Assert.Contains(strings, s => s.EndsWith("@" + server, StringComparison.Ordinal) && !s.StartsWith('@'));
            Assert.Contains("@" + server, strings);
        }

        Assert.Contains("status@broadcast", strings);
        Assert.Contains("@s.whatsapp.net", strings);
    }

    [Fact]
    public void Binaries_cross_every_length_prefix_up_to_one_mebibyte()
    {
        var sizes = Corpus.Value.SelectMany(c => AllNodes(c.Node)).Where(n => n.ContentKind == NodeContentKind.Bytes).Select(n => n.Bytes.Length).ToHashSet();

        foreach (var size in new[] { 0, 255, 256, 65_535, 65_536, (1 << 20) - 1, 1 << 20 })
        {
            Assert.Contains(size, sizes);
        }
    }

    [Fact]
    public void Nesting_reaches_depth_five_and_lists_cross_into_LIST_16()
    {
        var nodes = Corpus.Value.SelectMany(c => AllNodes(c.Node)).ToList();

        Assert.True(Corpus.Value.Count(c => Height(c.Node) >= 5) >= 25);
        Assert.Contains(nodes, n => (2 * n.Attributes.Count) + 1 == 255);
        Assert.Contains(nodes, n => (2 * n.Attributes.Count) + 2 == 256 && n.ContentKind != NodeContentKind.None);
        Assert.Contains(nodes, n => (2 * n.Attributes.Count) + 1 > 256);
        Assert.Contains(nodes, n => n.Children.Count == 255);
        Assert.Contains(nodes, n => n.Children.Count == 256);
        Assert.Contains(nodes, n => n.ContentKind == NodeContentKind.Children && n.Children.Count == 0);
        Assert.Contains(nodes, n => n.ContentKind == NodeContentKind.None);
    }

    [Fact]
    public void Corpus_is_deterministic_and_keeps_attribute_keys_JavaScript_can_hold_in_order()
    {
        var again = NodeCorpus.Generate();

        Assert.Equal(Corpus.Value.Select(c => NodeJson.Serialize(c.Node)), again.Select(c => NodeJson.Serialize(c.Node)));
        Assert.DoesNotContain(Corpus.Value.SelectMany(c => AllNodes(c.Node)).SelectMany(n => n.Attributes), a => NodeCorpus.IsUnsafeJavaScriptKey(a.Key));
        Assert.NotEqual(NodeJson.Serialize(again[0].Node), NodeJson.Serialize(NodeCorpus.Generate(seed: 7)[0].Node));
    }

    private static void AssertNoneMissing<T>(string what, IEnumerable<T> missing)
    {
        var list = missing.ToList();
        Assert.True(list.Count == 0, $"{list.Count} {what} missing from the corpus: {string.Join(", ", list.Take(20))}");
    }

    [GeneratedRegex("^3EB0[0-9A-F]{18}$")]
    private static partial Regex MessageId();

    [GeneratedRegex(@"^\d{11,13}:\d+@s\.whatsapp\.net$")]
    private static partial Regex PhoneDevice();

    [GeneratedRegex(@"^\d{14,15}:\d+@lid$")]
    private static partial Regex LidDevice();

    [GeneratedRegex(@"^[0-9.\-]+$")]
    private static partial Regex NibbleOnly();

    [GeneratedRegex("^[0-9A-F]+$")]
    private static partial Regex HexOnly();
}
