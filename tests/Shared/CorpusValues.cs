using System.Globalization;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Testing;

/// <summary>
/// Seeded generators for the values real stanzas carry: message and IQ ids, phone numbers, LIDs,
/// device and group JIDs, timestamps, key material of the right sizes, and the string kinds of
/// the binary format (tokens, nibble, hex, raw UTF-8). Deterministic for a given seed: seeded
/// <see cref="Random"/> uses a fixed algorithm on every .NET version.
/// </summary>
internal sealed class CorpusValues(int seed)
{
    private const string HexDigits = "0123456789ABCDEF";
    private const string NibbleDigits = "0123456789-.";

    private static readonly string[] CountryCodes = ["1", "44", "49", "55", "91", "62", "234", "971", "52", "7"];

    private static readonly string[] PushNames =
    [
        "Alice", "Bob Smith", "José Álvarez", "Zoë", "Мария", "李雷", "محمد", "Priya 🌸", "🦊", "O'Brien & Sons",
        "Jürgen Müller", "Ngọc Anh", "दीपक", "Καλημέρα", "👩‍👩‍👧 family",
    ];

    // Pieces of raw text that are neither tokens nor packable: letters outside A-F, spaces, non-ASCII.
    private static readonly string[] TextPieces =
    [
        "hello", " ", "world", "é", "ß", "中文", "😀", "Ω", "\t", "\n", "quote\"", "back\\slash", "<xml>", "&amp;",
        "🇧🇷", "ñ", "k", "Zz", "ü", "·", "—", "\u00a0", "\u200d", "ئ", "ก", "日本語", "🙂🙃", "Ä", "x", "~!#$%^*()",
    ];

    public Random Random { get; } = new(seed);

    public int Next(int minInclusive, int maxExclusive) => Random.Next(minInclusive, maxExclusive);

    public bool Chance(double probability) => Random.NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    public byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        Random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>WhatsApp's own message ids: "3EB0" and 18 uppercase hex digits (22 characters, HEX_8 on the wire).</summary>
    public string MessageId() => "3EB0" + Hex(18);

    /// <summary>The 32-hex-digit ids phones use.</summary>
    public string PhoneMessageId() => Hex(32);

    /// <summary>An IQ id as the clients make them: "a.b-counter" (nibble-packed on the wire).</summary>
    public string IqId() => $"{Random.Next(65536)}.{Random.Next(65536)}-{Random.Next(1, 500)}";

    public string Timestamp() => (1_700_000_000L + Random.Next(100_000_000)).ToString(CultureInfo.InvariantCulture);

    public string Phone()
    {
        var country = Pick(CountryCodes);
        return country + Digits(Next(11, 14) - country.Length, leadingNonZero: true);
    }

    public string Lid() => Digits(Next(14, 16), leadingNonZero: true);

    public string PnUser() => Phone() + "@" + JidServer.WhatsApp;

    public string LidUser() => Lid() + "@" + JidServer.Lid;

    /// <summary>A companion device number as seen in practice (the primary is 0 and is written without ":0").</summary>
    public int DeviceNumber() => Chance(0.7) ? Next(1, 30) : Next(30, 100);

    public string PnDevice(string phone) => $"{phone}:{DeviceNumber()}@{JidServer.WhatsApp}";

    public string LidDevice(string lid) => $"{lid}:{DeviceNumber()}@{JidServer.Lid}";

    /// <summary>Modern group ids ("120363…") and, now and then, the legacy "creator-timestamp" form.</summary>
    public string Group() => Chance(0.8)
        ? $"120363{Digits(12, leadingNonZero: false)}@{JidServer.Group}"
        : $"{Phone()}-{Timestamp()}@{JidServer.Group}";

    public string PushName() => Pick(PushNames);

    public string Hex(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = HexDigits[Random.Next(16)];
        }

        return new string(chars);
    }

    /// <summary>A hex string that is not also a nibble string (it has a letter), so it really is HEX_8.</summary>
    public string HexWithLetter(int length)
    {
        var chars = Hex(length).ToCharArray();
        chars[Random.Next(length)] = HexDigits[Random.Next(10, 16)];
        return new string(chars);
    }

    public string Digits(int length, bool leadingNonZero)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)('0' + Random.Next(i == 0 && leadingNonZero ? 1 : 0, 10));
        }

        return new string(chars);
    }

    /// <summary>A string of 0-9, '-' and '.', the nibble alphabet.</summary>
    public string Nibble(int length)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = NibbleDigits[Random.Next(NibbleDigits.Length)];
        }

        return new string(chars);
    }

    /// <summary>Raw UTF-8 text of at least <paramref name="minChars"/> UTF-16 units, never containing '@'.</summary>
    public string RawText(int minChars)
    {
        var text = new System.Text.StringBuilder();
        text.Append(Pick(TextPieces));
        while (text.Length < minChars)
        {
            text.Append(Pick(TextPieces));
        }

        return text.ToString();
    }

    /// <summary>A raw ASCII string of exactly <paramref name="utf8Length"/> bytes (lowercase letters past 'f').</summary>
    public string RawAscii(int utf8Length)
    {
        var chars = new char[utf8Length];
        for (var i = 0; i < utf8Length; i++)
        {
            chars[i] = (char)('g' + Random.Next(20));
        }

        return new string(chars);
    }
}
