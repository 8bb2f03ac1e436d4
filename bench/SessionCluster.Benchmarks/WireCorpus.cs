using SessionCluster.Protocol.Binary;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>Which part of the node corpus a codec benchmark runs over.</summary>
public enum CorpusSubset
{
    /// <summary>Every node of <see cref="NodeCorpus.Generate"/>: stanzas and randomized nodes, including two ~1 MiB binaries.</summary>
    All,

    /// <summary>Only the realistic stanzas (<see cref="NodeCorpus.Categories.Stanzas"/>): the traffic a session actually sees.</summary>
    Stanzas,
}

/// <summary>
/// The benchmark corpus: <see cref="NodeCorpus"/> with its default seed, split into subsets, each node
/// with the frame our encoder makes of it (flag byte 0x00 and body), which is what every decode
/// benchmark — ours and Baileys' — reads.
/// </summary>
internal sealed class WireCorpus
{
    private static readonly Lazy<IReadOnlyList<CorpusNode>> Generated = new(() => NodeCorpus.Generate(NodeCorpus.DefaultSeed));
    private static readonly Lazy<WireCorpus> AllNodes = new(() => Build(_ => true));
    private static readonly Lazy<WireCorpus> StanzaNodes = new(() => Build(IsStanza));

    private WireCorpus(CorpusNode[] entries)
    {
        Entries = entries;
        Nodes = [.. entries.Select(e => e.Node)];
        Frames = [.. Nodes.Select(NodeEncoder.EncodeFrame)];
        FrameBytes = Frames.Sum(f => (long)f.Length);
        Elements = Nodes.Sum(CountElements);
        LargestFrame = Frames.Max(f => f.Length);
    }

    /// <summary>The corpus entries, in generation order.</summary>
    public CorpusNode[] Entries { get; }

    public Node[] Nodes { get; }

    /// <summary>Each node encoded by <see cref="NodeEncoder.EncodeFrame"/>.</summary>
    public byte[][] Frames { get; }

    /// <summary>The sum of the frame lengths: the bytes one pass over the subset encodes or decodes.</summary>
    public long FrameBytes { get; }

    /// <summary>Elements including every nested child (a node is one frame; an element is any tag in it).</summary>
    public long Elements { get; }

    public int LargestFrame { get; }

    public static WireCorpus Get(CorpusSubset subset) => subset switch
    {
        CorpusSubset.All => AllNodes.Value,
        CorpusSubset.Stanzas => StanzaNodes.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(subset), subset, "Unknown corpus subset."),
    };

    public static bool IsStanza(CorpusNode entry) => NodeCorpus.Categories.Stanzas.Contains(entry.Category);

    private static WireCorpus Build(Func<CorpusNode, bool> include) => new([.. Generated.Value.Where(include)]);

    private static long CountElements(Node node)
    {
        long count = 1;
        foreach (var child in node.Children)
        {
            count += CountElements(child);
        }

        return count;
    }
}
