using System.Text;
using System.Text.Json;

namespace SessionCluster.Protocol.AppState;

/// <summary>
/// A record's index: a JSON array of strings such as <c>["archive","123@s.whatsapp.net"]</c> (docs/PROTOCOL.md §14
/// "Indexes"). Its exact bytes are MACed, so it is written the way JavaScript's <c>JSON.stringify</c> writes it (no
/// spaces; only <c>"</c>, <c>\</c> and control characters escaped): two devices naming the same record must produce
/// the same index MAC, or a later overwrite would not replace the earlier value.
/// </summary>
public static class AppStateIndex
{
    /// <summary>The UTF-8 JSON of <paramref name="parts"/>.</summary>
    public static byte[] Encode(IReadOnlyList<string> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var json = new StringBuilder("[");
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            AppendString(json, parts[i]);
        }

        return Encoding.UTF8.GetBytes(json.Append(']').ToString());
    }

    /// <summary>Parses an index; numbers and booleans become their JSON text, null an empty string.</summary>
    /// <exception cref="AppStateException"><see cref="AppStateFailure.Malformed"/>: not a JSON array.</exception>
    public static IReadOnlyList<string> Decode(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new AppStateException(AppStateFailure.Malformed, "A record's index is not a JSON array.");
            }

            var parts = new List<string>();
            foreach (var element in document.RootElement.EnumerateArray())
            {
                parts.Add(element.ValueKind switch
                {
                    JsonValueKind.String => element.GetString() ?? string.Empty,
                    JsonValueKind.Null => string.Empty,
                    _ => element.GetRawText(),
                });
            }

            return parts;
        }
        catch (JsonException e)
        {
            throw new AppStateException(AppStateFailure.Malformed, "A record's index is not valid JSON.", e);
        }
    }

    private static void AppendString(StringBuilder json, string value)
    {
        json.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        json.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        json.Append(c);
                    }

                    break;
            }
        }

        json.Append('"');
    }
}
