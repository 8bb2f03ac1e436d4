using System.Buffers;
using System.Text.Json;
using SessionCluster.Interop.Tests.Infrastructure;
using SessionCluster.Protocol.Binary;
using SessionCluster.Testing;

namespace SessionCluster.Interop.Tests.Binary;

/// <summary>The outcome of one item of a batch: a value, or the peer's error for that item alone.</summary>
public readonly record struct PeerOutcome<T>(T? Value, string? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Baileys' binary codec (lib/WABinary) through tests/Interop/binary-peer.mjs. Nodes are sent in
/// the canonical JSON of <see cref="NodeJson"/>; frames as hex with the 0x00 flag byte. Batches are
/// cut into calls of a few megabytes so a corpus with mebibyte binaries moves in a handful of lines.
/// </summary>
public sealed class BaileysBinaryCodec(NodePeer peer)
{
    /// <summary>The JSON size at which a batch is split into another call.</summary>
    private const int BatchBytes = 4 * 1024 * 1024;

    private static readonly TimeSpan BatchTimeout = TimeSpan.FromMinutes(3);

    /// <summary>Baileys' <c>encodeBinaryNode</c> of each node: the frame, flag byte included.</summary>
    public async Task<IReadOnlyList<PeerOutcome<byte[]>>> EncodeAsync(IReadOnlyList<Node> nodes, CancellationToken cancellationToken = default)
    {
        var items = nodes.Select(node => Json(writer => NodeJson.Write(writer, node))).ToList();
        var results = await BatchAsync("encodeBatch", "nodes", items, cancellationToken);
        return [.. results.Select(r => r.Succeeded
            ? new PeerOutcome<byte[]>(Convert.FromHexString(r.Value.GetString()!), null)
            : new PeerOutcome<byte[]>(null, r.Error))];
    }

    /// <summary>Baileys' <c>decodeBinaryNode</c> of each frame, as canonical JSON text.</summary>
    public async Task<IReadOnlyList<PeerOutcome<string>>> DecodeAsync(IReadOnlyList<byte[]> frames, CancellationToken cancellationToken = default)
    {
        var items = frames.Select(frame => Json(writer => writer.WriteStringValue(Convert.ToHexStringLower(frame)))).ToList();
        var results = await BatchAsync("decodeBatch", "hexes", items, cancellationToken);
        return [.. results.Select(r => r.Succeeded
            ? new PeerOutcome<string>(NodeJson.Canonicalize(r.Value), null)
            : new PeerOutcome<string>(null, r.Error))];
    }

    /// <summary>Baileys' SINGLE_BYTE_TOKENS and DOUBLE_BYTE_TOKENS.</summary>
    public async Task<(string[] Single, string[][] Double)> TokensAsync(CancellationToken cancellationToken = default)
    {
        var tokens = await peer.CallAsync("tokens", null, cancellationToken);
        var single = tokens.GetProperty("single").EnumerateArray().Select(t => t.GetString()!).ToArray();
        var doubles = tokens.GetProperty("double").EnumerateArray()
            .Select(d => d.EnumerateArray().Select(t => t.GetString()!).ToArray())
            .ToArray();
        return (single, doubles);
    }

    private async Task<List<PeerOutcome<JsonElement>>> BatchAsync(string op, string property, List<byte[]> items, CancellationToken cancellationToken)
    {
        var chunks = new List<List<byte[]>>();
        var current = new List<byte[]>();
        var size = 0;
        foreach (var item in items)
        {
            if (current.Count > 0 && size + item.Length > BatchBytes)
            {
                chunks.Add(current);
                current = [];
                size = 0;
            }

            current.Add(item);
            size += item.Length;
        }

        if (current.Count > 0)
        {
            chunks.Add(current);
        }

        // All chunks are in flight at once; the peer answers them in order while we serialize the next.
        var calls = chunks.Select(chunk => peer.CallAsync(op, BatchArguments(property, chunk), BatchTimeout, cancellationToken));
        var answers = await Task.WhenAll(calls);
        var outcomes = new List<PeerOutcome<JsonElement>>(items.Count);
        foreach (var answer in answers)
        {
            foreach (var result in answer.GetProperty("results").EnumerateArray())
            {
                outcomes.Add(result.GetProperty("ok").GetBoolean()
                    ? new PeerOutcome<JsonElement>(result.GetProperty("value"), null)
                    : new PeerOutcome<JsonElement>(default, result.GetProperty("error").GetString()));
            }
        }

        if (outcomes.Count != items.Count)
        {
            throw new InvalidOperationException($"{op} answered {outcomes.Count} results for {items.Count} items.");
        }

        return outcomes;
    }

    private static RawJson BatchArguments(string property, List<byte[]> items) => RawJson.Build(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartArray(property);
        foreach (var item in items)
        {
            writer.WriteRawValue(item, skipInputValidation: true);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = 1024 }))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
