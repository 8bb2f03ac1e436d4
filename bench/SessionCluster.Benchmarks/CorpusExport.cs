using System.Text.Encodings.Web;
using System.Text.Json;
using SessionCluster.Protocol.Binary;
using SessionCluster.Testing;

namespace SessionCluster.Benchmarks;

/// <summary>
/// Writes the benchmark corpus for bench/node/baileys-codec-bench.mjs, so Baileys is measured on exactly
/// the nodes and frames the C# benchmarks use:
/// <code>
/// {"seed":…, "subsets":{"All":{"nodes":…,"elements":…,"frameBytes":…}, "Stanzas":{…}},
///  "nodes":[{"name":…, "category":…, "stanza":true, "frame":"&lt;hex of our encoded frame&gt;", "node":{canonical NodeJson}}, …]}
/// </code>
/// </summary>
internal static class CorpusExport
{
    public const string Option = "--export-corpus";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // The same escaping as NodeJson, and room for the corpus' deepest nesting (three JSON levels per node).
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = 3 * Node.MaxHeight + 8,
    };

    public static void Write(string path)
    {
        var all = WireCorpus.Get(CorpusSubset.All);
        using var file = File.Create(path);
        using var writer = new Utf8JsonWriter(file, WriterOptions);
        writer.WriteStartObject();
        writer.WriteNumber("seed", NodeCorpus.DefaultSeed);
        writer.WriteStartObject("subsets");
        foreach (var subset in Enum.GetValues<CorpusSubset>())
        {
            var corpus = WireCorpus.Get(subset);
            writer.WriteStartObject(subset.ToString());
            writer.WriteNumber("nodes", corpus.Nodes.Length);
            writer.WriteNumber("elements", corpus.Elements);
            writer.WriteNumber("frameBytes", corpus.FrameBytes);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartArray("nodes");
        for (var i = 0; i < all.Entries.Length; i++)
        {
            var entry = all.Entries[i];
            writer.WriteStartObject();
            writer.WriteString("name", entry.Name);
            writer.WriteString("category", entry.Category);
            writer.WriteBoolean("stanza", WireCorpus.IsStanza(entry));
            writer.WriteString("frame", Convert.ToHexStringLower(all.Frames[i]));
            writer.WritePropertyName("node");
            NodeJson.Write(writer, entry.Node);
            writer.WriteEndObject();
            writer.Flush();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
