using System.Globalization;
using System.Text.RegularExpressions;
using SessionCluster.Protocol.Binary;
using SessionCluster.Testing;
using Xunit.Abstractions;

namespace SessionCluster.Interop.Tests.Binary;

/// <summary>
/// Differential fuzzing of the two decoders with corrupted corpus frames: whatever both accept they
/// must read alike, and ours must never accept a frame Baileys rejects. Ours may reject more: it
/// is deliberately stricter (leftover bytes, repeated attributes, impossible lengths), as whatsmeow is.
/// </summary>
[Trait("Category", "Interop")]
public sealed partial class BinaryDecoderFuzzInteropTests(BinaryPeerFixture fixture, ITestOutputHelper output) : IClassFixture<BinaryPeerFixture>
{
    private const int Mutations = 20_000;
    private const int Seed = 20_260_821;
    private const int ShownFailures = 10;

    [Fact]
    public async Task Corrupted_frames_are_read_alike_by_both_decoders_or_rejected_by_our_stricter_one()
    {
        var random = new Random(Seed);
        var originals = fixture.Corpus.Select(c => NodeEncoder.EncodeFrame(c.Node)).Where(f => f.Length < 400).ToList();
        var frames = Enumerable.Range(0, Mutations).Select(_ => Corrupt(random, originals[random.Next(originals.Count)])).ToList();

        var theirs = await fixture.Baileys.DecodeAsync(frames);

        int alike = 0, bothReject = 0, agentKept = 0;
        var onlyOursRejects = new Dictionary<string, int>();
        var failures = new List<string>();
        for (var i = 0; i < frames.Count; i++)
        {
            Node? ours = null;
            string? ourError = null;
            try
            {
                ours = NodeDecoder.DecodeFrame(frames[i]);
            }
            catch (BinaryFormatException e)
            {
                ourError = e.Message;
            }

            var hex = Convert.ToHexStringLower(frames[i]);
            if (ours is null)
            {
                if (theirs[i].Succeeded)
                {
                    var reason = Numbers().Replace(ourError![..ourError!.LastIndexOf(" (at", StringComparison.Ordinal)], "N");
                    onlyOursRejects[reason] = onlyOursRejects.GetValueOrDefault(reason) + 1;
                }
                else
                {
                    bothReject++;
                }

                continue;
            }

            if (!theirs[i].Succeeded)
            {
                failures.Add($"{hex}: we accept what Baileys rejects ({theirs[i].Error!.Split('\n')[0]}); we read {NodeJson.Serialize(ours)}");
                continue;
            }

            var agents = 0;
            if (!ReadAlike(ours, NodeJson.Parse(theirs[i].Value!), ref agents))
            {
                failures.Add($"{hex}: read differently: ours {NodeJson.Serialize(ours)} / Baileys {theirs[i].Value}");
            }
            else if (agents > 0)
            {
                agentKept++;
            }
            else
            {
                alike++;
            }
        }

        output.WriteLine($"{Mutations} corrupted frames: {alike} read identically, {agentKept} alike but for an AD_JID agent only we keep, {bothReject} rejected by both.");
        foreach (var (reason, count) in onlyOursRejects.OrderByDescending(r => r.Value))
        {
            output.WriteLine($"  only ours rejects, {count} ×: {reason}");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} corrupted frames read differently:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", failures.Take(ShownFailures))}");
    }

    /// <summary>Flips, replaces or truncates a few bytes after the flag byte; often towards tag bytes (0xEC..0xFF).</summary>
    private static byte[] Corrupt(Random random, byte[] original)
    {
        var frame = (byte[])original.Clone();
        for (var k = random.Next(1, 4); k > 0; k--)
        {
            var at = random.Next(1, frame.Length);
            frame[at] = random.Next(3) switch
            {
                0 => (byte)random.Next(256),
                1 => (byte)random.Next(236, 256),
                _ => (byte)(frame[at] ^ (1 << random.Next(8))),
            };
        }

        return random.Next(5) == 0 ? frame[..random.Next(2, frame.Length)] : frame;
    }

    /// <summary>
    /// Equal up to what Baileys' JavaScript object cannot hold: it lists integer-like attribute keys first
    /// in numeric order and swallows a <c>__proto__</c> key. An AD_JID agent only we print (documented)
    /// is counted in <paramref name="agents"/>.
    /// </summary>
    private static bool ReadAlike(Node ours, Node theirs, ref int agents)
    {
        if (!StringsAlike(ours.Tag, theirs.Tag, ref agents) || ours.ContentKind != theirs.ContentKind)
        {
            return false;
        }

        var ourAttributes = InJavaScriptOrder(ours.Attributes);
        if (ourAttributes.Count != theirs.Attributes.Count)
        {
            return false;
        }

        for (var i = 0; i < ourAttributes.Count; i++)
        {
            if (!StringsAlike(ourAttributes[i].Key, theirs.Attributes[i].Key, ref agents)
                || !StringsAlike(ourAttributes[i].Value, theirs.Attributes[i].Value, ref agents))
            {
                return false;
            }
        }

        switch (ours.ContentKind)
        {
            case NodeContentKind.Text:
                return StringsAlike(ours.Text!, theirs.Text!, ref agents);
            case NodeContentKind.Bytes:
                return ours.Bytes.Span.SequenceEqual(theirs.Bytes.Span);
            case NodeContentKind.Children:
                if (ours.Children.Count != theirs.Children.Count)
                {
                    return false;
                }

                for (var i = 0; i < ours.Children.Count; i++)
                {
                    if (!ReadAlike(ours.Children[i], theirs.Children[i], ref agents))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    private static bool StringsAlike(string ours, string theirs, ref int agents)
    {
        if (ours == theirs)
        {
            return true;
        }

        // BinaryDifferences.IsAgentDroppedByBaileysDecoder: "user_5:2@s.whatsapp.net" is "user:2@s.whatsapp.net" to Baileys.
        var match = AgentJid().Match(ours);
        if (match.Success && match.Groups["user"].Value + match.Groups["device"].Value + "@s.whatsapp.net" == theirs)
        {
            agents++;
            return true;
        }

        return false;
    }

    private static List<NodeAttribute> InJavaScriptOrder(IReadOnlyList<NodeAttribute> attributes)
    {
        var kept = attributes.Where(a => a.Key != "__proto__").ToList();
        return
        [
            .. kept.Where(a => NodeCorpus.IsUnsafeJavaScriptKey(a.Key)).OrderBy(a => ulong.Parse(a.Key, CultureInfo.InvariantCulture)),
            .. kept.Where(a => !NodeCorpus.IsUnsafeJavaScriptKey(a.Key)),
        ];
    }

    [GeneratedRegex(@"^(?<user>.*)_(?<agent>[1-9]\d*)(?<device>:[1-9]\d*)?@s\.whatsapp\.net$", RegexOptions.Singleline)]
    private static partial Regex AgentJid();

    [GeneratedRegex(@"\d+|'[^']*'")]
    private static partial Regex Numbers();
}
