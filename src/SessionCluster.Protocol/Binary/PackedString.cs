using System.Runtime.CompilerServices;

namespace SessionCluster.Protocol.Binary;

/// <summary>
/// The packed string forms NIBBLE_8 (<c>0-9 - .</c>) and HEX_8 (<c>0-9 A-F</c>): a header byte holding the
/// packed byte count with bit 7 set for an odd character count, then two characters a byte, high nibble first,
/// the last low nibble of an odd string being the pad 15.
/// </summary>
internal static class PackedString
{
    /// <summary>Longest string that may be packed (127 bytes would hold 254, but both clients stop at 127).</summary>
    public const int MaxChars = BinaryTag.PackedMax;

    /// <summary>Most characters a header can announce: 127 bytes of two characters.</summary>
    public const int MaxUnpackedChars = 254;

    // Value 15 is the pad; when it is not the dropped last character both clients read it as '\0'.
    private const string NibbleAlphabet = "0123456789-.\0\0\0\0";
    private const string HexAlphabet = "0123456789ABCDEF";

    // Nibble values 12, 13 and 14 have no character; both clients reject them.
    private const int InvalidNibbles = 0b0111_0000_0000_0000;

    /// <summary>Bytes needed after the tag: the header and the packed pairs.</summary>
    public static int EncodedLength(int charCount) => 1 + ((charCount + 1) >> 1);

    /// <summary>Writes header and pairs. The caller has checked the alphabet and the length.</summary>
    public static void Pack(ReadOnlySpan<char> value, Span<byte> destination)
    {
        var packedLength = (value.Length + 1) >> 1;
        destination[0] = (byte)(packedLength | ((value.Length & 1) << 7));
        var pairs = value.Length >> 1;
        for (var i = 0; i < pairs; i++)
        {
            destination[1 + i] = (byte)((Value(value[2 * i]) << 4) | Value(value[(2 * i) + 1]));
        }

        if ((value.Length & 1) != 0)
        {
            destination[1 + pairs] = (byte)((Value(value[^1]) << 4) | 0x0F);
        }
    }

    /// <summary>Character count announced by a header: bit 7 drops the last of the unpacked characters.</summary>
    public static int CharCount(byte header) => Math.Max(0, (2 * (header & 0x7F)) - (header >> 7));

    /// <summary>Index of the first byte holding a nibble value without a character, or -1.</summary>
    public static int FindInvalid(ReadOnlySpan<byte> packed, bool nibble)
    {
        if (!nibble)
        {
            return -1;
        }

        for (var i = 0; i < packed.Length; i++)
        {
            if ((((InvalidNibbles >> (packed[i] >> 4)) | (InvalidNibbles >> (packed[i] & 0x0F))) & 1) != 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Unpacks the first <c>chars.Length</c> characters of validated <paramref name="packed"/> bytes.</summary>
    public static void Unpack(ReadOnlySpan<byte> packed, bool nibble, Span<char> chars)
    {
        var alphabet = nibble ? NibbleAlphabet : HexAlphabet;
        var pairs = chars.Length >> 1;
        for (var i = 0; i < pairs; i++)
        {
            chars[2 * i] = alphabet[packed[i] >> 4];
            chars[(2 * i) + 1] = alphabet[packed[i] & 0x0F];
        }

        if ((chars.Length & 1) != 0)
        {
            chars[^1] = alphabet[packed[pairs] >> 4];
        }
    }

    /// <summary>Unpacks straight into a new string: one allocation, no intermediate buffer.</summary>
    public static string ToString(ReadOnlySpan<byte> packed, bool nibble, int charCount) =>
        string.Create(charCount, new Source(packed, nibble), static (chars, source) => Unpack(source.Packed, source.Nibble, chars));

    // The caller has checked the alphabet, so every other character is A-F.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Value(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        '-' => 10,
        '.' => 11,
        _ => c - 'A' + 10,
    };

    private readonly ref struct Source(ReadOnlySpan<byte> packed, bool nibble)
    {
        public ReadOnlySpan<byte> Packed { get; } = packed;

        public bool Nibble { get; } = nibble;
    }
}
