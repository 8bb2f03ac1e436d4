using System.Globalization;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Testing;

// Randomized nodes: every token, packed strings of every length, every JID form, every length
// prefix (BINARY_8/20/32, LIST_8/16), deep nesting. Values are placed in every string position
// (tag, attribute key, attribute value, text content) because content strings decode differently.
public static partial class NodeCorpus
{
    private static readonly string[] AdServers = [JidServer.WhatsApp, JidServer.Lid, JidServer.Hosted, JidServer.HostedLid];

    private static readonly string[] PairServers =
        [JidServer.WhatsApp, JidServer.Lid, JidServer.LegacyUser, JidServer.Bot, JidServer.Call, JidServer.Messenger, JidServer.Hosted, JidServer.HostedLid];

    private static readonly string[] AllServers =
    [
        JidServer.WhatsApp, JidServer.Group, JidServer.Broadcast, JidServer.Lid, JidServer.Newsletter, JidServer.LegacyUser,
        JidServer.Call, JidServer.Hosted, JidServer.HostedLid, JidServer.Messenger, JidServer.Bot,
    ];

    private static readonly HashSet<string> TokenSet = [.. Tokens.SingleByte.Skip(1), .. Tokens.DoubleByte.SelectMany(d => d)];

    private static void AddRandomized(Builder corpus)
    {
        var v = corpus.Values;
        AddTokens(corpus, Categories.TokenSingle, [.. Tokens.SingleByte.Skip(1)]);
        AddTokens(corpus, Categories.TokenDouble0, Tokens.DoubleByte[0]);
        AddTokens(corpus, Categories.TokenDouble1, Tokens.DoubleByte[1]);
        AddTokens(corpus, Categories.TokenDouble2, Tokens.DoubleByte[2]);
        AddTokens(corpus, Categories.TokenDouble3, Tokens.DoubleByte[3]);
        AddPacked(corpus, Categories.Nibble, length => NotAToken(v, () => v.Nibble(length)));
        AddPacked(corpus, Categories.Hex, length => NotAToken(v, () => v.HexWithLetter(length)));
        AddRaw(corpus);
        AddJids(corpus);
        AddBinarySizes(corpus);
        AddContentForms(corpus);
        AddNesting(corpus);
        AddLargeLists(corpus);
        for (var i = 0; i < 150; i++)
        {
            corpus.Add(Categories.Mixed, RandomNode(v, v.Next(1, 4)));
        }
    }

    /// <summary>Every token in every string position: six tokens per node (tag, two attributes, text).</summary>
    private static void AddTokens(Builder corpus, string category, IReadOnlyList<string> tokens)
    {
        var v = corpus.Values;
        var order = tokens.OrderBy(_ => v.Random.Next()).ToList();
        for (var start = 0; start < order.Count; start += 6)
        {
            var group = order.Skip(start).Take(6).ToList();
            var attributes = new List<NodeAttribute>();
            for (var i = 1; i + 1 < group.Count && i <= 3; i += 2)
            {
                var key = group[i];
                if (IsUnsafeJavaScriptKey(key) || attributes.Any(a => a.Key == key))
                {
                    // An integer-like token still gets covered, as a value.
                    attributes.Add(new NodeAttribute($"k{i}", key));
                    attributes.Add(new NodeAttribute($"v{i}", group[i + 1]));
                }
                else
                {
                    attributes.Add(new NodeAttribute(key, group[i + 1]));
                }
            }

            var node = group.Count == 6
                ? new Node(group[0], attributes, group[5])
                : new Node(group[0], attributes, [.. group.Skip(1 + (attributes.Count * 2)).Select(t => new Node("t", null, t))]);
            corpus.Add(category, node, $"tokens {start}..{start + group.Count - 1}");
        }
    }

    /// <summary>Packed strings of every length 1..127 and the raw lengths just past it, as values and as text.</summary>
    private static void AddPacked(Builder corpus, string category, Func<int, string> make)
    {
        int[] lengths = [.. Enumerable.Range(1, 127), 128, 129, 200, 255];
        for (var start = 0; start < lengths.Length; start += 4)
        {
            var group = lengths.Skip(start).Take(4).ToArray();
            var attributes = group.Select((length, i) => new NodeAttribute($"s{i}", make(length))).ToArray();
            corpus.Add(category, new Node("packed", attributes), $"lengths {group[0]}..{group[^1]}");
        }

        // In content position a packed string stays text; the raw lengths past 127 come back as bytes.
        foreach (var length in new[] { 1, 2, 3, 16, 63, 64, 126, 127, 128, 129 })
        {
            corpus.Add(category, new Node("text", [new NodeAttribute("len", length.ToString(CultureInfo.InvariantCulture))], make(length)), $"text length {length}");
        }
    }

    private static void AddRaw(Builder corpus)
    {
        var v = corpus.Values;
        for (var i = 0; i < 25; i++)
        {
            var attributes = Enumerable.Range(0, v.Next(1, 5))
                .Select(a => new NodeAttribute($"r{a}", v.RawText(v.Next(1, 60))))
                .ToList();
            corpus.Add(Categories.RawUtf8, v.Chance(0.5)
                ? new Node("raw", attributes)
                : new Node("raw", attributes, v.RawText(v.Next(1, 200))));
        }

        // Around the BINARY_8 / BINARY_20 / BINARY_32 length prefixes of strings.
        foreach (var length in new[] { 128, 255, 256, 257, 4096, 65_535, 65_536, (1 << 20) - 1, 1 << 20 })
        {
            corpus.Add(Categories.RawUtf8, new Node("raw", [new NodeAttribute("value", v.RawAscii(length))]), $"{length}-byte value");
        }

        corpus.Add(Categories.RawUtf8, new Node("raw", null, v.RawAscii(256)), "256-byte text");
        corpus.Add(Categories.RawUtf8, new Node("raw", [("lower-hex", "deadbeef0123"), ("mixed-hex", "DeadBeef"), ("digits-and-letters", "12ab")]));
        corpus.Add(Categories.RawUtf8, new Node("raw", [("control", "a\u0000b\u0001\u007f"), ("bom", "\uFEFFx"), ("surrogates", "𝄞𝕏😀")]));
        corpus.Add(Categories.RawUtf8, new Node("ünïcödé-tag", [("ключ", "значение"), ("キー", "値")], "テキスト"));
    }

    private static void AddJids(Builder corpus)
    {
        var v = corpus.Values;

        // user@server in the servers where a user is written as JID_PAIR.
        for (var i = 0; i < 40; i++)
        {
            var server = PairServers[i % PairServers.Length];
            var user = (i / PairServers.Length) switch
            {
                0 => v.Phone(),
                1 => v.Lid(),
                2 => v.HexWithLetter(v.Next(4, 30)),
                3 => v.Pick(["server", "status", "0", "support", "meta", "josé", "李", "a b", v.Digits(200, leadingNonZero: true)]),
                _ => v.RawAscii(v.Next(3, 12)),
            };
            corpus.Add(Categories.JidPair, JidNode(v, [$"{user}@{server}", $"{v.Phone()}@{server}"]), $"@{server}");
        }

        foreach (var server in AllServers)
        {
            corpus.Add(Categories.JidServerOnly, JidNode(v, [$"@{server}"]), $"@{server}");
        }

        // Every device 1..255 on every AD_JID server, ten JIDs per node.
        foreach (var server in AdServers)
        {
            for (var start = 1; start <= 255; start += 10)
            {
                var jids = Enumerable.Range(start, Math.Min(10, 256 - start))
                    .Select(device => $"{(server.Contains("lid", StringComparison.Ordinal) ? v.Lid() : v.Phone())}:{device}@{server}")
                    .ToArray();
                corpus.Add(Categories.JidAd, JidNode(v, jids), $"{server} devices {start}..{start + jids.Length - 1}");
            }
        }

        // Users that are not numbers: hex-packed and raw users in AD_JID.
        foreach (var server in AdServers)
        {
            corpus.Add(Categories.JidAd, JidNode(v, [$"{v.HexWithLetter(10)}:{v.Next(1, 256)}@{server}", $"{v.RawAscii(6)}:{v.Next(1, 256)}@{server}"]), $"{server} non-numeric users");
        }

        foreach (var server in AdServers)
        {
            corpus.Add(Categories.JidAdDeviceZero, JidNode(v, [$"{v.Phone()}:0@{server}", $"{v.Lid()}:0@{server}"]), $"{server} :0");
        }

        for (var i = 0; i < 20; i++)
        {
            corpus.Add(Categories.JidGroup, JidNode(v, [v.Group(), v.Group()]));
        }

        for (var i = 0; i < 10; i++)
        {
            corpus.Add(Categories.JidBroadcast, JidNode(v, ["status@broadcast", $"{v.Timestamp()}@broadcast"]));
            corpus.Add(Categories.JidNewsletter, JidNode(v, [$"120363{v.Digits(12, leadingNonZero: false)}@newsletter"]));
        }
    }

    /// <summary>JIDs as attribute values, and the first one also as text content half of the time.</summary>
    private static Node JidNode(CorpusValues v, string[] jids)
    {
        var attributes = jids.Select((jid, i) => new NodeAttribute(i == 0 ? "jid" : $"jid{i}", jid)).ToArray();
        return v.Chance(0.5) ? new Node("to", attributes, jids[0]) : new Node("to", attributes);
    }

    private static void AddBinarySizes(Builder corpus)
    {
        var v = corpus.Values;
        foreach (var length in new[] { 0, 1, 255, 256, 65_535, 65_536, LargeBinaryLength - 1, LargeBinaryLength })
        {
            corpus.Add(Categories.BinarySizes, new Node("enc", [("v", "2"), ("type", "msg")], v.Bytes(length)), $"{length} bytes");
        }
    }

    private static void AddContentForms(Builder corpus)
    {
        var v = corpus.Values;
        corpus.Add(Categories.ContentForms, new Node("none"), "no content");
        corpus.Add(Categories.ContentForms, new Node("empty", null, Array.Empty<Node>()), "empty child list");
        corpus.Add(Categories.ContentForms, new Node("text", null, "composing"), "single-byte token text");
        corpus.Add(Categories.ContentForms, new Node("text", null, "read-self"), "double-byte token text");
        corpus.Add(Categories.ContentForms, new Node("text", null, "+15551234567"), "raw text that looks numeric");
        corpus.Add(Categories.ContentForms, new Node("text", null, v.Nibble(11)), "nibble text");
        corpus.Add(Categories.ContentForms, new Node("text", null, v.HexWithLetter(22)), "hex text");
        corpus.Add(Categories.ContentForms, new Node("text", null, v.PnDevice(v.Phone())), "JID text");
        corpus.Add(Categories.ContentForms, new Node("text", null, "plain words"), "raw text");
        corpus.Add(Categories.ContentForms, new Node("text", null, ""), "empty text");
        corpus.Add(Categories.ContentForms, new Node("attrs", [("empty", ""), ("space", " ")]), "empty attribute value");
        corpus.Add(Categories.ContentForms, new Node("bytes", null, v.Bytes(16)), "bytes");
        corpus.Add(Categories.ContentForms, new Node("bytes", null, ReadOnlyMemory<byte>.Empty), "empty bytes");
        corpus.Add(Categories.ContentForms, new Node("wrap", null, [new Node("none"), new Node("empty", null, Array.Empty<Node>())]), "children of both empty kinds");
    }

    private static void AddNesting(Builder corpus)
    {
        var v = corpus.Values;
        for (var i = 0; i < 25; i++)
        {
            corpus.Add(Categories.Nesting, Tree(v, depth: 5));
        }
    }

    /// <summary>A tree exactly <paramref name="depth"/> levels deep (the first child always continues down).</summary>
    private static Node Tree(CorpusValues v, int depth)
    {
        if (depth == 1)
        {
            return RandomLeaf(v);
        }

        var children = new List<Node> { Tree(v, depth - 1) };
        var extra = v.Next(0, 3);
        for (var i = 0; i < extra; i++)
        {
            children.Add(v.Chance(0.5) ? RandomLeaf(v) : Tree(v, v.Next(1, depth)));
        }

        return new Node(RandomTag(v), RandomAttributes(v, v.Next(0, 4)), children);
    }

    private static void AddLargeLists(Builder corpus)
    {
        var v = corpus.Values;
        // 2n+1 (+1 with content) crosses 255/256, where LIST_8 turns into LIST_16.
        corpus.Add(Categories.List16, new Node("attrs", ManyAttributes(v, 127)), "127 attributes: size 255");
        corpus.Add(Categories.List16, new Node("attrs", ManyAttributes(v, 127), "x"), "127 attributes + content: size 256");
        corpus.Add(Categories.List16, new Node("attrs", ManyAttributes(v, 128)), "128 attributes: size 257");
        corpus.Add(Categories.List16, new Node("attrs", ManyAttributes(v, 400), v.Bytes(10)), "400 attributes");
        foreach (var count in new[] { 255, 256, 1000 })
        {
            var children = Enumerable.Range(0, count).Select(_ => RandomLeaf(v)).ToArray();
            corpus.Add(Categories.List16, new Node("children", null, children), $"{count} children");
        }
    }

    private static NodeAttribute[] ManyAttributes(CorpusValues v, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new NodeAttribute($"attr-{i}", RandomValue(v)))];

    private static Node RandomNode(CorpusValues v, int depth) =>
        depth <= 1 || v.Chance(0.3)
            ? RandomLeaf(v)
            : new Node(RandomTag(v), RandomAttributes(v, v.Next(0, 6)),
                [.. Enumerable.Range(0, v.Next(0, 5)).Select(_ => RandomNode(v, depth - 1))]);

    private static Node RandomLeaf(CorpusValues v)
    {
        var tag = RandomTag(v);
        var attributes = RandomAttributes(v, v.Next(0, 5));
        return v.Next(0, 4) switch
        {
            0 => new Node(tag, attributes),
            1 => new Node(tag, attributes, v.Bytes(v.Chance(0.9) ? v.Next(0, 100) : v.Next(250, 600))),
            2 => new Node(tag, attributes, RandomValue(v)),
            _ => new Node(tag, attributes, Array.Empty<Node>()),
        };
    }

    private static string RandomTag(CorpusValues v) => v.Next(0, 3) switch
    {
        0 => Tokens.SingleByte[v.Next(1, Tokens.SingleByte.Length)],
        1 => Tokens.DoubleByte[v.Next(0, 4)][v.Next(0, 256)],
        _ => v.RawAscii(v.Next(1, 12)),
    };

    private static NodeAttribute[] RandomAttributes(CorpusValues v, int count)
    {
        var attributes = new List<NodeAttribute>(count);
        while (attributes.Count < count)
        {
            var key = RandomTag(v);
            if (!IsUnsafeJavaScriptKey(key) && attributes.TrueForAll(a => a.Key != key))
            {
                attributes.Add(new NodeAttribute(key, RandomValue(v)));
            }
        }

        return [.. attributes];
    }

    /// <summary>A string of a random kind: token, packed, JID of any form, or raw.</summary>
    private static string RandomValue(CorpusValues v) => v.Next(0, 11) switch
    {
        0 => Tokens.SingleByte[v.Next(1, Tokens.SingleByte.Length)],
        1 => Tokens.DoubleByte[v.Next(0, 4)][v.Next(0, 256)],
        2 => v.Nibble(v.Next(1, 40)),
        3 => v.HexWithLetter(v.Next(1, 40)),
        4 => v.RawText(v.Next(1, 30)),
        5 => v.PnUser(),
        6 => v.Chance(0.5) ? v.PnDevice(v.Phone()) : v.LidDevice(v.Lid()),
        7 => $"{v.Phone()}:{v.Next(1, 256)}@{v.Pick(AdServers)}",
        8 => v.Group(),
        9 => v.IqId(),
        _ => v.MessageId(),
    };

    private static string NotAToken(CorpusValues v, Func<string> make)
    {
        for (var attempt = 0; ; attempt++)
        {
            var value = make();
            if (!TokenSet.Contains(value) || attempt > 100)
            {
                return value;
            }
        }
    }
}
