using System.Security.Cryptography;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Protocol.Tests.Pairing;

public sealed class QrPairingCodeTests
{
    private static readonly byte[] Noise = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Identity = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Adv = Enumerable.Range(200, 32).Select(i => (byte)i).ToArray();

    private static string Part(byte[] key) => Convert.ToBase64String(key);

    private static string Baileys(string @ref = "2@abc/def+ghi==") =>
        $"https://wa.me/settings/linked_devices#{@ref},{Part(Noise)},{Part(Identity)},{Part(Adv)},1";

    [Fact]
    public void Baileys_form_with_prefix_and_client_type_parses_every_part()
    {
        var code = QrPairingCode.Parse(Baileys());

        Assert.Equal("2@abc/def+ghi==", code.Ref);
        Assert.Equal(Noise, code.NoisePublicKey.ToArray());
        Assert.Equal(Identity, code.IdentityPublicKey.ToArray());
        Assert.Equal(Adv, code.AdvSecret.ToArray());
        Assert.Equal("1", code.ClientType);
    }

    [Fact]
    public void Whatsmeow_form_without_prefix_or_client_type_parses()
    {
        var code = QrPairingCode.Parse($"ref1,{Part(Noise)},{Part(Identity)},{Part(Adv)}");

        Assert.Equal("ref1", code.Ref);
        Assert.Null(code.ClientType);
        Assert.Equal(Adv, code.AdvSecret.ToArray());
    }

    [Fact]
    public void Format_round_trips_through_Parse_for_both_forms()
    {
        var withType = new QrPairingCode("r", RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), "e");
        var withoutType = new QrPairingCode("r", RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), null);

        Assert.Equal(withType, QrPairingCode.Parse(withType.Format()));
        Assert.StartsWith(QrPairingCode.UrlPrefix, withType.Format(), StringComparison.Ordinal);
        Assert.Equal(withoutType, QrPairingCode.Parse(withoutType.Format()));
    }

    [Fact]
    public void ToString_does_not_reveal_the_adv_secret()
    {
        var code = QrPairingCode.Parse(Baileys());

        Assert.DoesNotContain(Convert.ToHexStringLower(Adv), code.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Part(Adv), code.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string, QrFormatError, string?> Malformed()
    {
        var n = Part(Noise);
        var i = Part(Identity);
        var a = Part(Adv);
        var shortKey = Convert.ToBase64String(new byte[31]);
        var longKey = Convert.ToBase64String(new byte[33]);
        return new()
        {
            { "", QrFormatError.Empty, null },
            { $"r,{n},{i},{a} ", QrFormatError.Whitespace, null },
            { $"r,{n},{i},\n{a}", QrFormatError.Whitespace, null },
            { $"r,{n},{i}", QrFormatError.WrongPartCount, null },
            { $"r,{n},{i},{a},1,extra", QrFormatError.WrongPartCount, null },
            { QrPairingCode.UrlPrefix, QrFormatError.WrongPartCount, null },
            { $",{n},{i},{a},1", QrFormatError.EmptyRef, "ref" },
            { $"r,{n.TrimEnd('=')},{i},{a}", QrFormatError.BadBase64, "noiseKey" },
            { $"r,{n},{i.Replace('A', '*')}x,{a}", QrFormatError.BadBase64, "identityKey" },
            { $"r,{n},{i},-{a[1..]}", QrFormatError.BadBase64, "advSecret" },
            { $"r,,{i},{a}", QrFormatError.BadBase64, "noiseKey" },
            { $"r,{shortKey},{i},{a}", QrFormatError.WrongKeyLength, "noiseKey" },
            { $"r,{n},{longKey},{a}", QrFormatError.WrongKeyLength, "identityKey" },
            { $"r,{n},{i},{shortKey}", QrFormatError.WrongKeyLength, "advSecret" },
            { $"r,{n},{i},{a},x", QrFormatError.UnknownClientType, "clientType" },
            { $"r,{n},{i},{a},", QrFormatError.UnknownClientType, "clientType" },
            { $"r,{n},{i},{a},10", QrFormatError.UnknownClientType, "clientType" },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_QR_is_rejected_with_the_error_and_part_at_fault(string qr, QrFormatError error, string? part)
    {
        var e = Assert.Throws<QrFormatException>(() => QrPairingCode.Parse(qr));

        Assert.Equal(error, e.Error);
        Assert.Equal(part, e.Part);
        Assert.False(QrPairingCode.TryParse(qr, out var code));
        Assert.Null(code);
    }

    [Fact]
    public void Base64_with_non_zero_padding_bits_is_not_canonical_and_is_rejected()
    {
        // 32 bytes -> 44 chars ending in one '='; the last data char carries 2 unused bits. Flip one of them.
        var canonical = Part(Identity);
        var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var last = alphabet.IndexOf(canonical[^2], StringComparison.Ordinal);
        var tweaked = canonical[..^2] + alphabet[last ^ 1] + "=";
        Assert.Equal(Identity, Convert.FromBase64String(tweaked));

        var e = Assert.Throws<QrFormatException>(() => QrPairingCode.Parse($"r,{Part(Noise)},{tweaked},{Part(Adv)}"));
        Assert.Equal(QrFormatError.BadBase64, e.Error);
        Assert.Equal("identityKey", e.Part);
    }

    [Fact]
    public void Constructor_refuses_wrong_key_lengths_and_a_ref_with_a_comma()
    {
        Assert.Equal(QrFormatError.WrongKeyLength, Assert.Throws<QrFormatException>(() => new QrPairingCode("r", new byte[31], Identity, Adv, null)).Error);
        Assert.Equal(QrFormatError.EmptyRef, Assert.Throws<QrFormatException>(() => new QrPairingCode("a,b", Noise, Identity, Adv, null)).Error);
    }
}
