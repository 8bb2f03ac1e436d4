using SessionCluster.Protocol.Binary;

namespace SessionCluster.Protocol.Tests.Binary;

/// <summary>How a single string is written (docs/PROTOCOL.md §4 "String encoding order") and read back.</summary>
public sealed class StringEncodingTests
{
    // <iq id=VALUE/>: F8 03, "iq" = 19, "id" = 08, then the value.
    private const string Prefix = "f8031908";

    internal static string EncodeValue(string value)
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        NodeEncoder.Write(new Node("iq", [("id", value)]), writer);
        var hex = Hex.Of(writer.WrittenSpan);
        Assert.StartsWith(Prefix, hex, StringComparison.Ordinal);
        return hex[Prefix.Length..];
    }

    internal static string DecodeValue(string valueHex) =>
        NodeDecoder.Decode(Hex.Bytes(Prefix + valueHex)).GetString("id");

    [Theory]
    [InlineData("", "fc00")] // "" is written raw, never as token 0
    [InlineData("iq", "19")]
    [InlineData("s.whatsapp.net", "03")]
    [InlineData("xmlstreamend", "02")]
    [InlineData("screen_height", "eb")] // the last single-byte token, 235
    [InlineData("read-self", "ec00")] // dictionary 0, index 0
    [InlineData("dirty", "ed01")] // docs/PROTOCOL.md example: dictionary 1, index 1
    [InlineData("4", "ec22")] // a digit string that is a token is written as the token, not packed
    [InlineData("123", "ff82123f")] // odd nibble: 2 bytes, bit 7 set, pad 15
    [InlineData("1234", "ff021234")]
    [InlineData("1.2-3", "ff831b2a3f")]
    [InlineData("-.", "ff01ab")]
    [InlineData("ABC", "fb82abcf")]
    [InlineData("ABCD", "fb02abcd")]
    [InlineData("0123ABCDEF", "fb050123abcdef")]
    [InlineData("abc", "fc03616263")] // lowercase hex is not packed
    [InlineData("héllo", "fc0668c3a96c6c6f")]
    public void Writes_each_string_form(string value, string expectedHex)
    {
        Assert.Equal(expectedHex, EncodeValue(value));
    }

    [Fact]
    public void Writes_a_lone_surrogate_as_the_replacement_character_as_Nodes_Buffer_from_does()
    {
        Assert.Equal("fc03efbfbd", EncodeValue("\ud800"));
        Assert.Equal("fc05efbfbd6162", EncodeValue("\udc00ab"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("iq")]
    [InlineData("read-self")]
    [InlineData("dirty")]
    [InlineData("123")]
    [InlineData("1234")]
    [InlineData("ABC")]
    [InlineData("ABCD")]
    [InlineData("abc")]
    [InlineData("héllo")]
    [InlineData("constructor")] // Baileys' plain-object TOKEN_MAP finds Object.prototype.constructor and writes 00
    [InlineData("__proto__")]
    public void Strings_read_back_unchanged(string value)
    {
        Assert.Equal(value, DecodeValue(EncodeValue(value)));
    }

    [Fact]
    public void Object_prototype_names_are_written_raw_not_as_Baileys_token_zero()
    {
        Assert.Equal("fc0b636f6e7374727563746f72", EncodeValue("constructor"));
    }

    [Theory]
    [InlineData('9', 3, "ff82999f")] // single digits and "11" are tokens, so use 9s
    [InlineData('9', 2, "ff0199")]
    [InlineData('A', 1, "fb81af")]
    [InlineData('A', 2, "fb01aa")]
    public void Packs_odd_and_even_lengths(char c, int length, string expectedHex)
    {
        Assert.Equal(expectedHex, EncodeValue(new string(c, length)));
    }

    [Theory]
    [InlineData('7', "ff")]
    [InlineData('B', "fb")]
    public void Packs_up_to_127_characters_and_writes_128_raw(char c, string packedTag)
    {
        var packed = EncodeValue(new string(c, 127));
        Assert.StartsWith(packedTag + "c0", packed, StringComparison.Ordinal); // 64 bytes, odd
        Assert.Equal(2 + 2 + (64 * 2), packed.Length);
        Assert.Equal(new string(c, 127), DecodeValue(packed));

        var raw = EncodeValue(new string(c, 128));
        Assert.StartsWith("fc80", raw, StringComparison.Ordinal);
        Assert.Equal(new string(c, 128), DecodeValue(raw));
    }

    [Theory]
    [InlineData(255, "fcff")]
    [InlineData(256, "fd000100")]
    [InlineData((1 << 20) - 1, "fd0fffff")]
    [InlineData(1 << 20, "fe00100000")]
    public void Raw_strings_use_the_byte_length_forms(int length, string expectedHeader)
    {
        var value = new string('x', length);
        var hex = EncodeValue(value);
        Assert.StartsWith(expectedHeader, hex, StringComparison.Ordinal);
        Assert.Equal(expectedHeader.Length + (2 * length), hex.Length);
        Assert.Equal(value, DecodeValue(hex));
    }

    [Fact]
    public void Every_token_is_written_as_its_index_and_read_back()
    {
        for (var i = 1; i < Tokens.SingleByte.Length; i++)
        {
            var token = Tokens.SingleByte[i];
            Assert.Equal(i.ToString("x2", System.Globalization.CultureInfo.InvariantCulture), EncodeValue(token));
            Assert.Equal(token, DecodeValue(i.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        }

        for (var dictionary = 0; dictionary < Tokens.DoubleByte.Length; dictionary++)
        {
            for (var i = 0; i < Tokens.DoubleByte[dictionary].Length; i++)
            {
                var hex = $"{0xEC + dictionary:x2}{i:x2}";
                Assert.Equal(hex, EncodeValue(Tokens.DoubleByte[dictionary][i]));
                Assert.Equal(Tokens.DoubleByte[dictionary][i], DecodeValue(hex));
            }
        }
    }

    [Fact]
    public void Token_tables_have_the_documented_shape()
    {
        Assert.Equal(236, Tokens.SingleByte.Length);
        Assert.Equal(string.Empty, Tokens.SingleByte[0]);
        Assert.Equal(4, Tokens.DoubleByte.Length);
        Assert.All(Tokens.DoubleByte, dictionary => Assert.Equal(256, dictionary.Length));
        var all = Tokens.SingleByte.Skip(1).Concat(Tokens.DoubleByte.SelectMany(d => d)).ToList();
        Assert.Equal(all.Count, all.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(string.Empty, all);
        Assert.Equal("iq", Tokens.SingleByte[0x19]);
        Assert.Equal("ping", Tokens.SingleByte[0x56]);
        Assert.Equal("w:p", Tokens.SingleByte[0x57]);
        Assert.Equal("dirty", Tokens.DoubleByte[1][1]);
    }
}
