using System.IO.Compression;
using System.Text;
using SessionCluster.Protocol.Binary;
using SessionCluster.Testing;
using Xunit.Abstractions;

namespace SessionCluster.Interop.Tests.Binary;

/// <summary>
/// Our binary codec against Baileys' (lib/WABinary) over the whole corpus: what Baileys writes we
/// read as Baileys does; what we write is Baileys' bytes, or differs only in a documented way that
/// both decoders read alike (docs/BINARY-INTEROP.md).
/// </summary>
[Trait("Category", "Interop")]
public sealed class BinaryCodecInteropTests(BinaryPeerFixture fixture, ITestOutputHelper output) : IClassFixture<BinaryPeerFixture>
{
    private const int ShownFailures = 15;

    [Fact]
    public async Task Every_corpus_node_encoded_by_Baileys_decodes_in_CSharp_to_what_Baileys_decodes()
    {
        var corpus = fixture.Corpus;
        var frames = await fixture.BaileysCorpusFramesAsync();
        var encodeFailures = Enumerable.Zip(corpus, frames).Where(p => !p.Second.Succeeded).Select(p => $"{p.First.Name}: Baileys could not encode it: {p.Second.Error}").ToList();
        Assert.True(encodeFailures.Count == 0, Report("corpus nodes Baileys could not encode", encodeFailures));

        var baileysReadings = await fixture.Baileys.DecodeAsync([.. frames.Select(f => f.Value!)]);
        var failures = new List<string>();
        for (var i = 0; i < corpus.Count; i++)
        {
            var theirs = baileysReadings[i];
            var ours = BinaryPeerFixture.DecodeWithOurs(frames[i].Value!);
            if (!theirs.Succeeded || !ours.Succeeded || theirs.Value != ours.Value)
            {
                failures.Add($"{corpus[i].Name}: {DescribeMismatch("Baileys", theirs, "ours", ours)}");
            }
        }

        output.WriteLine($"{corpus.Count - failures.Count} of {corpus.Count} Baileys-encoded corpus frames decode identically in C#.");
        Assert.True(failures.Count == 0, Report("Baileys-encoded frames our decoder reads differently", failures));
    }

    [Fact]
    public async Task CSharp_encoding_is_Baileys_bytes_or_a_documented_difference_both_decoders_read_alike()
    {
        var corpus = fixture.Corpus;
        var baileysFrames = await fixture.BaileysCorpusFramesAsync();
        var differenceNodes = DifferenceCases.All.Select(c => new CorpusNode($"difference/{c.Input}", "difference", c.Node)).ToList();
        var differenceFrames = await fixture.Baileys.EncodeAsync([.. differenceNodes.Select(c => c.Node)]);
        List<CorpusNode> nodes = [.. corpus, .. differenceNodes];
        List<PeerOutcome<byte[]>> theirs = [.. baileysFrames, .. differenceFrames];

        var ours = nodes.Select(n => NodeEncoder.EncodeFrame(n.Node)).ToList();
        var differing = Enumerable.Range(0, nodes.Count)
            .Where(i => theirs[i].Value is not { } frame || !frame.AsSpan().SequenceEqual(ours[i]))
            .ToList();

        // Name the difference string by string: each string whose own encoding differs must be documented.
        var strings = differing.SelectMany(i => BinaryDifferences.Strings(nodes[i].Node)).Distinct(StringComparer.Ordinal).ToList();
        var stringDiffers = await StringEncodingDiffersAsync(strings);
        var failures = new List<string>();
        var kinds = new Dictionary<BinaryDifference, int>();
        foreach (var i in differing)
        {
            var culprits = BinaryDifferences.Strings(nodes[i].Node).Where(s => stringDiffers[s]).Distinct(StringComparer.Ordinal).ToList();
            var unexplained = culprits.Where(s => BinaryDifferences.Classify(s) is null).ToList();
            if (culprits.Count == 0)
            {
                failures.Add($"{nodes[i].Name}: bytes differ but every string is encoded identically (a structural difference): {DescribeBytes(theirs[i], ours[i])}");
            }
            else if (unexplained.Count > 0)
            {
                failures.Add($"{nodes[i].Name}: undocumented encoding difference for {string.Join(", ", unexplained.Select(Quote))}: {DescribeBytes(theirs[i], ours[i])}");
            }

            foreach (var kind in culprits.Select(BinaryDifferences.Classify).OfType<BinaryDifference>().Distinct())
            {
                kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            }
        }

        // Where we differ, Baileys must read our bytes exactly as we do.
        var baileysReadingsOfOurs = await fixture.Baileys.DecodeAsync([.. differing.Select(i => ours[i])]);
        foreach (var (i, theirReading) in differing.Zip(baileysReadingsOfOurs))
        {
            var ourReading = BinaryPeerFixture.DecodeWithOurs(ours[i]);
            if (!theirReading.Succeeded || !ourReading.Succeeded || theirReading.Value != ourReading.Value)
            {
                failures.Add($"{nodes[i].Name}: our bytes are read differently: {DescribeMismatch("Baileys", theirReading, "ours", ourReading)}");
            }
        }

        var corpusDiffering = differing.Count(i => i < corpus.Count);
        output.WriteLine($"Corpus: {corpus.Count - corpusDiffering} of {corpus.Count} nodes byte-identical to Baileys, {corpusDiffering} documented differences.");
        output.WriteLine($"Difference set: {differing.Count - corpusDiffering} of {differenceNodes.Count} nodes differ, all read alike by both decoders.");
        foreach (var (kind, count) in kinds.OrderBy(k => k.Key))
        {
            output.WriteLine($"  {kind}: {count} node(s)");
        }

        Assert.True(failures.Count == 0, Report("unexplained differences from Baileys' encoder", failures));
    }

    [Fact]
    public async Task Every_difference_case_really_differs_is_classified_as_documented_and_both_encodings_read_alike_in_both_decoders()
    {
        var cases = DifferenceCases.All;
        var theirs = await fixture.Baileys.EncodeAsync([.. cases.Select(c => c.Node)]);
        var ours = cases.Select(c => NodeEncoder.EncodeFrame(c.Node)).ToList();
        var theirReadingsOfOurs = await fixture.Baileys.DecodeAsync(ours);
        var theirReadingsOfTheirs = await fixture.Baileys.DecodeAsync([.. theirs.Select(t => t.Value!)]);

        var failures = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            // Baileys' own (mangled) bytes must also read the same in both decoders, or fail in both.
            var ourReadingOfTheirs = BinaryPeerFixture.DecodeWithOurs(theirs[i].Value!);
            if (ourReadingOfTheirs.Succeeded != theirReadingsOfTheirs[i].Succeeded || ourReadingOfTheirs.Value != theirReadingsOfTheirs[i].Value)
            {
                failures.Add($"{Quote(c.Input)}: Baileys' bytes are read differently: {DescribeMismatch("Baileys", theirReadingsOfTheirs[i], "ours", ourReadingOfTheirs)}");
            }

            if (BinaryDifferences.Classify(c.Input) != c.Expected)
            {
                failures.Add($"{Quote(c.Input)}: classified as {BinaryDifferences.Classify(c.Input)?.ToString() ?? "no difference"}, expected {c.Expected}");
            }

            if (theirs[i].Value is { } frame && frame.AsSpan().SequenceEqual(ours[i]))
            {
                failures.Add($"{Quote(c.Input)}: both encoders write {Convert.ToHexStringLower(frame)}; it is not a difference");
            }

            var ourReading = BinaryPeerFixture.DecodeWithOurs(ours[i]);
            var expected = NodeJson.Serialize(c.Node);
            if (ourReading.Value != expected || theirReadingsOfOurs[i].Value != expected)
            {
                failures.Add($"{Quote(c.Input)}: our bytes must read back as the input on both sides: {DescribeMismatch("Baileys", theirReadingsOfOurs[i], "ours", ourReading)}");
            }
        }

        Assert.True(failures.Count == 0, Report("difference cases", failures));
    }

    [Fact]
    public async Task The_document_lists_every_difference_with_the_bytes_and_readings_the_tests_observe()
    {
        var rows = await DocumentRowsAsync();
        var document = await File.ReadAllTextAsync(Infrastructure.RepositoryPaths.Combine("docs", "BINARY-INTEROP.md"));
        var lines = document.Split('\n').Select(l => l.TrimEnd('\r')).ToHashSet(StringComparer.Ordinal);

        var missing = rows.Where(row => !lines.Contains(row)).ToList();
        foreach (var row in rows)
        {
            output.WriteLine(row);
        }

        Assert.True(missing.Count == 0, Report("table rows missing from docs/BINARY-INTEROP.md (expected exactly these lines)", missing));
    }

    [Fact]
    public async Task Agent_in_an_AD_JID_is_written_as_Baileys_does_and_kept_by_our_decoder_where_Baileys_drops_it()
    {
        foreach (var input in DifferenceCases.AgentDroppedByBaileysDecoder)
        {
            Assert.True(BinaryDifferences.IsAgentDroppedByBaileysDecoder(input), input);
            var node = new Node("item", [new NodeAttribute("jid", input)]);
            var theirs = (await fixture.Baileys.EncodeAsync([node]))[0].Value!;
            var ours = NodeEncoder.EncodeFrame(node);
            var theirReading = (await fixture.Baileys.DecodeAsync([ours]))[0];

            Assert.Equal(Convert.ToHexStringLower(theirs), Convert.ToHexStringLower(ours));
            Assert.Equal(NodeJson.Serialize(node), NodeJson.Serialize(NodeDecoder.DecodeFrame(ours)));
            var withoutAgent = input[..input.IndexOf('_', StringComparison.Ordinal)] + input[input.IndexOf(':', StringComparison.Ordinal)..];
            Assert.Equal(NodeJson.Serialize(new Node("item", [new NodeAttribute("jid", withoutAgent)])), theirReading.Value);
        }
    }

    [Fact]
    public async Task Token_tables_equal_Baileys_tables()
    {
        var (single, doubles) = await fixture.Baileys.TokensAsync();

        Assert.Equal(single, Tokens.SingleByte);
        Assert.Equal(doubles.Length, Tokens.DoubleByte.Length);
        for (var d = 0; d < doubles.Length; d++)
        {
            Assert.Equal(doubles[d], Tokens.DoubleByte[d]);
        }
    }

    [Fact]
    public async Task The_protocol_doc_vectors_are_what_both_encoders_write()
    {
        (Node Node, string Hex)[] vectors =
        [
            (new Node("iq", [("id", "1.2-3"), ("to", "@s.whatsapp.net"), ("type", "get"), ("xmlns", "w:p")], [new Node("ping")]),
                "00f80a1908ff831b2a3f11fa000304291657f801f80156"),
            (new Node("to", [("jid", "15551234567:2@s.whatsapp.net")]), "00f803110cf70002ff8615551234567f"),
            (new Node("to", [("jid", "123456789012345:7@lid")]), "00f803110cf70107ff88123456789012345f"),
            (new Node("to", [("jid", "123456789012345@lid")]), "00f803110cfaff88123456789012345f76"),
            (new Node("ack", [("id", "ABCDEF0123"), ("to", "15551234567@s.whatsapp.net"), ("class", "receipt")]),
                "00f8071b08fb05abcdef012311faff8615551234567f031507"),
            (new Node("enc", [("v", "2"), ("type", "msg")], new byte[] { 1, 2, 3 }), "00f8061d5145044dfc03010203"),
        ];

        var theirs = await fixture.Baileys.EncodeAsync([.. vectors.Select(v => v.Node)]);

        for (var i = 0; i < vectors.Length; i++)
        {
            Assert.Equal(vectors[i].Hex, Convert.ToHexStringLower(theirs[i].Value!));
            Assert.Equal(vectors[i].Hex, Convert.ToHexStringLower(NodeEncoder.EncodeFrame(vectors[i].Node)));
        }
    }

    [Fact]
    public async Task Zlib_compressed_frames_decode_alike_on_both_sides()
    {
        var nodes = fixture.Corpus.Where(c => c.Category.StartsWith("stanza/", StringComparison.Ordinal)).Take(60).ToList();
        var frames = nodes.Select(c => Compress(NodeEncoder.EncodeFrame(c.Node))).ToList();

        var theirs = await fixture.Baileys.DecodeAsync(frames);

        for (var i = 0; i < nodes.Count; i++)
        {
            var ours = BinaryPeerFixture.DecodeWithOurs(frames[i]);
            Assert.True(theirs[i].Succeeded && ours.Value == theirs[i].Value, $"{nodes[i].Name}: {DescribeMismatch("Baileys", theirs[i], "ours", ours)}");
        }
    }

    /// <summary>The exact table rows docs/BINARY-INTEROP.md must contain, computed from both codecs.</summary>
    private async Task<List<string>> DocumentRowsAsync()
    {
        var cases = DifferenceCases.All;
        var theirs = await fixture.Baileys.EncodeAsync([.. cases.Select(c => c.Node)]);
        var ours = cases.Select(c => NodeEncoder.EncodeFrame(c.Node)).ToList();
        var theirReadingsOfTheirs = await fixture.Baileys.DecodeAsync([.. theirs.Select(t => t.Value!)]);
        var theirReadingsOfOurs = await fixture.Baileys.DecodeAsync(ours);

        var rows = new List<string>();
        for (var i = 0; i < cases.Count; i++)
        {
            var ourReading = BinaryPeerFixture.DecodeWithOurs(ours[i]);
            var bothRead = ourReading.Value == theirReadingsOfOurs[i].Value ? Reading(ourReading) : "(the decoders disagree)";
            rows.Add($"| {Code(Quote(cases[i].Input))} | {Code(ValueHex(theirs[i].Value!))} | {Code(Reading(theirReadingsOfTheirs[i]))} | {Code(ValueHex(ours[i]))} | {Code(bothRead)} | {cases[i].Expected} |");
        }

        foreach (var input in DifferenceCases.AgentDroppedByBaileysDecoder)
        {
            var node = new Node("item", [new NodeAttribute("jid", input)]);
            var frame = NodeEncoder.EncodeFrame(node);
            var theirReading = (await fixture.Baileys.DecodeAsync([frame]))[0];
            rows.Add($"| {Code(Quote(input))} | {Code(ValueHex(frame))} | {Code(Reading(theirReading))} | {Code(Reading(BinaryPeerFixture.DecodeWithOurs(frame)))} |");
        }

        return rows;
    }

    /// <summary>For each string, whether Baileys and we encode it differently, probed as <c>&lt;item jid=s/&gt;</c>.</summary>
    private async Task<Dictionary<string, bool>> StringEncodingDiffersAsync(List<string> strings)
    {
        var probes = strings.Select(s => new Node("item", [new NodeAttribute("jid", s)])).ToList();
        var theirs = await fixture.Baileys.EncodeAsync(probes);
        var differs = new Dictionary<string, bool>(StringComparer.Ordinal);
        for (var i = 0; i < strings.Count; i++)
        {
            differs[strings[i]] = theirs[i].Value is not { } frame || !frame.AsSpan().SequenceEqual(NodeEncoder.EncodeFrame(probes[i]));
        }

        return differs;
    }

    /// <summary>The attribute value's bytes of a probe frame, after the common prefix.</summary>
    private static string ValueHex(byte[] probeFrame)
    {
        Assert.True(probeFrame.AsSpan().StartsWith(DifferenceCases.ProbePrefix), $"unexpected probe frame {Convert.ToHexStringLower(probeFrame)}");
        return Convert.ToHexStringLower(probeFrame.AsSpan(DifferenceCases.ProbePrefix.Length));
    }

    /// <summary>The jid attribute a decoder read from a probe frame, as a JSON string, or its error.</summary>
    private static string Reading(PeerOutcome<string> reading)
    {
        if (!reading.Succeeded)
        {
            return "error: " + reading.Error!.Split('\n')[0].Trim();
        }

        var node = NodeJson.Parse(reading.Value!);
        return node.Attributes.Count == 1 && node.Attributes[0].Key == "jid" ? Quote(node.Attributes[0].Value) : reading.Value!;
    }

    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    private static string Code(string value) => $"`{value}`";

    private static byte[] Compress(byte[] frame)
    {
        using var compressed = new MemoryStream();
        compressed.WriteByte(0x02);
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(frame, 1, frame.Length - 1);
        }

        return compressed.ToArray();
    }

    private static string DescribeMismatch(string leftName, PeerOutcome<string> left, string rightName, PeerOutcome<string> right)
    {
        if (!left.Succeeded || !right.Succeeded)
        {
            return $"{leftName}: {Shorten(left.Value ?? "error: " + left.Error)} / {rightName}: {Shorten(right.Value ?? "error: " + right.Error)}";
        }

        var a = left.Value!;
        var b = right.Value!;
        var at = 0;
        while (at < a.Length && at < b.Length && a[at] == b[at])
        {
            at++;
        }

        var from = Math.Max(0, at - 60);
        return $"first difference at JSON char {at}: {leftName} …{Slice(a, from)}… / {rightName} …{Slice(b, from)}…";

        static string Slice(string s, int from) => s.Substring(from, Math.Min(160, s.Length - from));
    }

    private static string DescribeBytes(PeerOutcome<byte[]> theirs, byte[] ours)
    {
        if (theirs.Value is not { } frame)
        {
            return $"Baileys could not encode it: {theirs.Error}";
        }

        var at = frame.AsSpan().CommonPrefixLength(ours);
        var from = Math.Max(0, at - 8);
        return $"first differing byte at {at}: Baileys …{Convert.ToHexStringLower(frame.AsSpan(from, Math.Min(40, frame.Length - from)))}… / ours …{Convert.ToHexStringLower(ours.AsSpan(from, Math.Min(40, ours.Length - from)))}…";
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";

    private static string Report(string what, List<string> failures)
    {
        var text = new StringBuilder($"{failures.Count} {what}:");
        foreach (var failure in failures.Take(ShownFailures))
        {
            text.Append(Environment.NewLine).Append("  ").Append(failure);
        }

        if (failures.Count > ShownFailures)
        {
            text.Append(Environment.NewLine).Append($"  … and {failures.Count - ShownFailures} more");
        }

        return text.ToString();
    }
}
