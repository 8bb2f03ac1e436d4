using System.Collections.Frozen;

namespace SessionCluster.Protocol.Binary;

/// <summary>
/// String → token lookup for the encoder. A code below 256 is a single-byte token; otherwise the high
/// byte is the dictionary tag (0xEC..0xEF) and the low byte the index in that dictionary.
/// </summary>
internal static class TokenMap
{
    private static readonly FrozenDictionary<string, ushort> Codes = Build();

    // Span-keyed view so the encoder can look up slices (a JID's user or server) without allocating.
    private static readonly FrozenDictionary<string, ushort>.AlternateLookup<ReadOnlySpan<char>> SpanCodes =
        Codes.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool TryGetCode(ReadOnlySpan<char> value, out ushort code) => SpanCodes.TryGetValue(value, out code);

    private static FrozenDictionary<string, ushort> Build()
    {
        var map = new Dictionary<string, ushort>(StringComparer.Ordinal);
        // Index 0 ("") is never emitted: the empty string is always written raw.
        for (var i = 1; i < Tokens.SingleByte.Length; i++)
        {
            map.Add(Tokens.SingleByte[i], (ushort)i);
        }

        for (var dict = 0; dict < Tokens.DoubleByte.Length; dict++)
        {
            var entries = Tokens.DoubleByte[dict];
            for (var i = 0; i < entries.Length; i++)
            {
                map.Add(entries[i], (ushort)(((BinaryTag.Dictionary0 + dict) << 8) | i));
            }
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
