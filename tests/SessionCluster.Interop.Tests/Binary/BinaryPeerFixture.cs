using SessionCluster.Interop.Tests.Infrastructure;
using SessionCluster.Protocol.Binary;
using SessionCluster.Testing;

namespace SessionCluster.Interop.Tests.Binary;

/// <summary>
/// One binary-peer.mjs process for the class, plus the corpus and Baileys' encoding of it, each
/// computed once and shared by the tests that need them.
/// </summary>
public sealed class BinaryPeerFixture : NodePeerFixture
{
    private static readonly Lazy<IReadOnlyList<CorpusNode>> CorpusNodes = new(() => NodeCorpus.Generate());

    private readonly Lazy<Task<IReadOnlyList<PeerOutcome<byte[]>>>> _baileysCorpusFrames;

    public BinaryPeerFixture()
    {
        _baileysCorpusFrames = new(() => Baileys.EncodeAsync([.. Corpus.Select(c => c.Node)]));
    }

    /// <summary>The corpus of <see cref="NodeCorpus.DefaultSeed"/>.</summary>
    public IReadOnlyList<CorpusNode> Corpus => CorpusNodes.Value;

    /// <summary>Baileys' codec in the fixture's peer.</summary>
    public BaileysBinaryCodec Baileys => new(Peer);

    /// <summary>Baileys' frame for every corpus node, in corpus order.</summary>
    public Task<IReadOnlyList<PeerOutcome<byte[]>>> BaileysCorpusFramesAsync() => _baileysCorpusFrames.Value;

    protected override string Script => "binary-peer.mjs";

    /// <summary>Our decoder's reading of a frame as canonical JSON, or the error it raised.</summary>
    public static PeerOutcome<string> DecodeWithOurs(byte[] frame)
    {
        try
        {
            return new(NodeJson.Serialize(NodeDecoder.DecodeFrame(frame)), null);
        }
        catch (BinaryFormatException e)
        {
            return new(null, $"{nameof(BinaryFormatException)}: {e.Message}");
        }
    }
}
