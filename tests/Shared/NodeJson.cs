using System.Text.Encodings.Web;
using System.Text.Json;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Testing;

/// <summary>
/// The canonical JSON form of a <see cref="Node"/>, shared by the C# tests and the Node peers:
/// <code>{"tag":"iq","attrs":[["id","1"],["type","get"]],"content":null | {"text":"…"} | {"bytes":"&lt;lowercase hex&gt;"} | {"children":[…]}}</code>
/// Attributes stay an ordered list of pairs (an object would lose order in JavaScript). Two nodes
/// are equal exactly when their canonical strings are equal, which lets a test compare what two
/// implementations decoded without trusting either one's notion of equality.
/// </summary>
public static class NodeJson
{
    private const int MaxDepth = 1024;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Readable non-ASCII in failure messages; both sides of a comparison use the same escaping.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = MaxDepth,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    /// <summary>The canonical JSON text of <paramref name="node"/>.</summary>
    public static string Serialize(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, node);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the canonical form of <paramref name="node"/> as one JSON value.</summary>
    public static void Write(Utf8JsonWriter writer, Node node)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(node);
        writer.WriteStartObject();
        writer.WriteString("tag", node.Tag);
        writer.WriteStartArray("attrs");
        foreach (var (key, value) in node.Attributes)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(key);
            writer.WriteStringValue(value);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WritePropertyName("content");
        switch (node.ContentKind)
        {
            case NodeContentKind.None:
                writer.WriteNullValue();
                break;
            case NodeContentKind.Text:
                writer.WriteStartObject();
                writer.WriteString("text", node.Text);
                writer.WriteEndObject();
                break;
            case NodeContentKind.Bytes:
                writer.WriteStartObject();
                writer.WriteString("bytes", Convert.ToHexStringLower(node.Bytes.Span));
                writer.WriteEndObject();
                break;
            case NodeContentKind.Children:
                writer.WriteStartObject();
                writer.WriteStartArray("children");
                foreach (var child in node.Children)
                {
                    Write(writer, child);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(node), node.ContentKind, "Unknown content kind.");
        }

        writer.WriteEndObject();
    }

    /// <summary>Builds a node from its JSON form (as produced by a peer or by <see cref="Serialize"/>).</summary>
    /// <exception cref="FormatException">The JSON is not a node in the canonical shape.</exception>
    public static Node Parse(JsonElement element)
    {
        var tag = RequireString(element, "tag");
        var attributes = ReadAttributes(element);
        if (!element.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return new Node(tag, attributes);
        }

        if (content.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"<{tag}> content must be null or an object, not {content.ValueKind}.");
        }

        if (content.TryGetProperty("text", out var text))
        {
            return new Node(tag, attributes, text.GetString() ?? throw new FormatException($"<{tag}> text is null."));
        }

        if (content.TryGetProperty("bytes", out var bytes))
        {
            return new Node(tag, attributes, Convert.FromHexString(bytes.GetString() ?? ""));
        }

        if (content.TryGetProperty("children", out var children) && children.ValueKind == JsonValueKind.Array)
        {
            return new Node(tag, attributes, [.. children.EnumerateArray().Select(Parse)]);
        }

        throw new FormatException($"<{tag}> content has none of text, bytes, children: {content}");
    }

    /// <summary>Parses canonical JSON text.</summary>
    public static Node Parse(string json)
    {
        using var document = JsonDocument.Parse(json, DocumentOptions);
        return Parse(document.RootElement);
    }

    /// <summary>
    /// Rewrites a node in JSON form into canonical text without building a <see cref="Node"/>, so
    /// what a peer decoded can be compared with <see cref="Serialize"/> of what we decoded even if
    /// our Node type would reject it. Hex is lower-cased; the shape is checked.
    /// </summary>
    /// <exception cref="FormatException">The JSON is not a node in the canonical shape.</exception>
    public static string Canonicalize(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteCanonical(writer, element);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        var tag = RequireString(element, "tag");
        writer.WriteStartObject();
        writer.WriteString("tag", tag);
        writer.WriteStartArray("attrs");
        foreach (var (key, value) in ReadAttributes(element))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(key);
            writer.WriteStringValue(value);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WritePropertyName("content");
        if (!element.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            writer.WriteNullValue();
        }
        else if (content.TryGetProperty("text", out var text))
        {
            writer.WriteStartObject();
            writer.WriteString("text", text.GetString());
            writer.WriteEndObject();
        }
        else if (content.TryGetProperty("bytes", out var bytes))
        {
            writer.WriteStartObject();
            writer.WriteString("bytes", (bytes.GetString() ?? "").ToLowerInvariant());
            writer.WriteEndObject();
        }
        else if (content.TryGetProperty("children", out var children) && children.ValueKind == JsonValueKind.Array)
        {
            writer.WriteStartObject();
            writer.WriteStartArray("children");
            foreach (var child in children.EnumerateArray())
            {
                WriteCanonical(writer, child);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        else
        {
            throw new FormatException($"<{tag}> content has none of text, bytes, children: {content}");
        }

        writer.WriteEndObject();
    }

    private static string RequireString(JsonElement element, string property)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty(property, out var value)
            || value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"Not a node: '{property}' is missing or not a string in {Shorten(element)}.");
        }

        return value.GetString()!;
    }

    private static List<NodeAttribute> ReadAttributes(JsonElement element)
    {
        var attributes = new List<NodeAttribute>();
        if (!element.TryGetProperty("attrs", out var attrs) || attrs.ValueKind == JsonValueKind.Null)
        {
            return attributes;
        }

        foreach (var pair in attrs.EnumerateArray())
        {
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2
                || pair[0].ValueKind != JsonValueKind.String || pair[1].ValueKind != JsonValueKind.String)
            {
                throw new FormatException($"An attribute must be a [key, value] pair of strings, not {Shorten(pair)}.");
            }

            attributes.Add(new NodeAttribute(pair[0].GetString()!, pair[1].GetString()!));
        }

        return attributes;
    }

    private static string Shorten(JsonElement element)
    {
        var text = element.GetRawText();
        return text.Length <= 200 ? text : text[..200] + "…";
    }
}
