using System.Text.Json;
using System.Text.Json.Serialization;

namespace SessionCluster.Interop.Tests.Infrastructure;

/// <summary>
/// Already-serialized JSON placed into call arguments verbatim, so a large payload built with a
/// <see cref="Utf8JsonWriter"/> (e.g. a batch of nodes with megabytes of hex) is not parsed and
/// re-serialized on its way to the peer. The bytes must be one valid JSON value.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public sealed class RawJson
{
    public RawJson(ReadOnlyMemory<byte> utf8Json) => Utf8Json = utf8Json;

    /// <summary>The UTF-8 JSON text.</summary>
    public ReadOnlyMemory<byte> Utf8Json { get; }

    /// <summary>Writes JSON with <paramref name="write"/> and captures it.</summary>
    public static RawJson Build(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = 1024 }))
        {
            write(writer);
        }

        return new RawJson(buffer.WrittenMemory);
    }

    private sealed class RawJsonConverter : JsonConverter<RawJson>
    {
        public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("RawJson is for sending only.");

        public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Utf8Json.Span, skipInputValidation: true);
    }
}
