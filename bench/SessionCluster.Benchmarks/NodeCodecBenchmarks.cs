using System.Buffers;
using BenchmarkDotNet.Attributes;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Benchmarks;

/// <summary>
/// The binary-XML codec over the node corpus. One operation is one pass over the whole subset, so
/// nodes/s = nodes in the subset ÷ time per operation, MB/s = frame bytes ÷ time, and allocated bytes
/// per node = allocated per operation ÷ nodes; bench/node/summarize-wire-benchmarks.mjs computes these
/// from the corpus statistics that <c>--export-corpus</c> writes.
/// </summary>
[Config(typeof(SuiteConfig))]
public class NodeCodecBenchmarks
{
    private Node[] _nodes = [];
    private byte[][] _frames = [];
    private ArrayBufferWriter<byte> _writer = new();

    [Params(CorpusSubset.All, CorpusSubset.Stanzas)]
    public CorpusSubset Corpus { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var corpus = WireCorpus.Get(Corpus);
        _nodes = corpus.Nodes;
        _frames = corpus.Frames;
        _writer = new ArrayBufferWriter<byte>(corpus.LargestFrame);

        // Fail before measuring if any frame does not decode. Exact round trips are the interop tests' job:
        // a raw text content decodes as bytes and "user:0@server" as "user@server", as in Baileys.
        foreach (var frame in _frames)
        {
            NodeDecoder.DecodeFrame(frame);
        }

        // Lets the summary check that this process measured the corpus that --export-corpus wrote.
        Console.WriteLine($"// Corpus {Corpus}: {_nodes.Length} nodes, {corpus.FrameBytes} frame bytes");
    }

    /// <summary>Each node into one reused buffer, as a connection's send path does: no per-frame array.</summary>
    [Benchmark]
    public long Encode()
    {
        var writer = _writer;
        long written = 0;
        foreach (var node in _nodes)
        {
            writer.ResetWrittenCount();
            NodeEncoder.WriteFrame(node, writer);
            written += writer.WrittenCount;
        }

        return written;
    }

    /// <summary>Each node into a new array, which is what Baileys' <c>encodeBinaryNode</c> returns.</summary>
    [Benchmark]
    public long EncodeToArray()
    {
        long written = 0;
        foreach (var node in _nodes)
        {
            written += NodeEncoder.EncodeFrame(node).Length;
        }

        return written;
    }

    /// <summary>Each pre-encoded frame (flag byte and body) into a new <see cref="Node"/> tree.</summary>
    [Benchmark]
    public long Decode()
    {
        long attributes = 0;
        foreach (var frame in _frames)
        {
            attributes += NodeDecoder.DecodeFrame(frame).Attributes.Count;
        }

        return attributes;
    }

    /// <summary>
    /// Each frame decoded as <c>NoiseSocket</c> decodes a freshly decrypted frame: byte contents are slices
    /// of the frame, not copies. Baileys' decoder returns views of its buffer the same way, so this is the
    /// like-for-like comparison.
    /// </summary>
    [Benchmark]
    public long DecodeOwned()
    {
        long attributes = 0;
        foreach (var frame in _frames)
        {
            attributes += NodeDecoder.DecodeOwnedFrame(frame).Attributes.Count;
        }

        return attributes;
    }
}
