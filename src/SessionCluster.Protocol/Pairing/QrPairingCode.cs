using System.Diagnostics.CodeAnalysis;

namespace SessionCluster.Protocol.Pairing;

// Public API (docs/PROTOCOL.md §6, QR pairing):
//   QrPairingCode QrPairingCode.Parse(string qr)          throws QrFormatException (QrFormatError says why)
//   bool QrPairingCode.TryParse(string? qr, out QrPairingCode? code[, out QrFormatException? error])
//   record QrPairingCode(string Ref, ReadOnlyMemory<byte> NoisePublicKey, ReadOnlyMemory<byte> IdentityPublicKey,
//                        ReadOnlyMemory<byte> AdvSecret, string? ClientType)
//   string code.Format()   the Baileys form (prefix + 5 parts, or 4 parts when ClientType is null)
//
// The server checks Ref against the refs it sent in <pair-device>, and uses NoisePublicKey to find the
// companion's connection (its Noise static key). IdentityPublicKey and AdvSecret feed
// PairSuccess.IssueDeviceIdentity.

/// <summary>
/// What a companion encodes in its QR code: <c>ref,base64(noisePub),base64(identityPub),base64(advSecret)[,clientType]</c>,
/// optionally after <see cref="UrlPrefix"/>. Baileys writes the prefix and the fifth part; whatsmeow writes neither.
/// </summary>
/// <remarks>
/// Strict on purpose: base64 must be canonical standard base64 with padding (what both clients emit), every key
/// exactly 32 bytes, the client type one of the values docs/PROTOCOL.md §6 lists. A companion whose QR does not parse would
/// not be linked by a real phone either.
/// </remarks>
public sealed record QrPairingCode
{
    /// <summary>The prefix Baileys puts before the comma-separated parts.</summary>
    public const string UrlPrefix = "https://wa.me/settings/linked_devices#";

    /// <summary>Length of every key in the QR: the two public keys and the ADV secret.</summary>
    public const int KeyLength = 32;

    /// <summary>Client types docs/PROTOCOL.md §6 documents: 0 unknown … 9 other web client, c macOS, e Android.</summary>
    public static IReadOnlySet<string> KnownClientTypes { get; } =
        new HashSet<string>(StringComparer.Ordinal) { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "c", "e" };

    public QrPairingCode(string @ref, ReadOnlyMemory<byte> noisePublicKey, ReadOnlyMemory<byte> identityPublicKey, ReadOnlyMemory<byte> advSecret, string? clientType)
    {
        if (string.IsNullOrEmpty(@ref) || @ref.Contains(',', StringComparison.Ordinal))
        {
            throw new QrFormatException(QrFormatError.EmptyRef, "ref", "the ref must be non-empty and contain no comma.");
        }

        RequireKey(noisePublicKey, "noiseKey");
        RequireKey(identityPublicKey, "identityKey");
        RequireKey(advSecret, "advSecret");
        if (clientType is not null && !KnownClientTypes.Contains(clientType))
        {
            throw new QrFormatException(QrFormatError.UnknownClientType, "clientType", $"'{clientType}' is not a documented client type.");
        }

        Ref = @ref;
        NoisePublicKey = noisePublicKey.ToArray();
        IdentityPublicKey = identityPublicKey.ToArray();
        AdvSecret = advSecret.ToArray();
        ClientType = clientType;
    }

    /// <summary>The pair-device ref the companion is showing (one the server sent it).</summary>
    public string Ref { get; }

    /// <summary>The companion's Noise static public key (32 bytes).</summary>
    public ReadOnlyMemory<byte> NoisePublicKey { get; }

    /// <summary>The companion's Signal identity public key (32 bytes); the account signature covers it.</summary>
    public ReadOnlyMemory<byte> IdentityPublicKey { get; }

    /// <summary>The companion's ADV secret (32 bytes), the HMAC key of the pair-success device identity.</summary>
    public ReadOnlyMemory<byte> AdvSecret { get; }

    /// <summary>The fifth part (Baileys' companion platform id), or null for a four-part QR.</summary>
    public string? ClientType { get; }

    /// <summary>Reads a QR string; throws <see cref="QrFormatException"/> on anything malformed.</summary>
    public static QrPairingCode Parse(string qr)
    {
        if (string.IsNullOrEmpty(qr))
        {
            throw new QrFormatException(QrFormatError.Empty, null, "the QR string is empty.");
        }

        foreach (var c in qr)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                throw new QrFormatException(QrFormatError.Whitespace, null, "the QR string contains whitespace or control characters.");
            }
        }

        var body = qr.StartsWith(UrlPrefix, StringComparison.Ordinal) ? qr[UrlPrefix.Length..] : qr;
        var parts = body.Split(',');
        if (parts.Length is not (4 or 5))
        {
            throw new QrFormatException(QrFormatError.WrongPartCount, null, $"expected 4 or 5 comma-separated parts, found {parts.Length}.");
        }

        if (parts[0].Length == 0)
        {
            throw new QrFormatException(QrFormatError.EmptyRef, "ref", "the ref is empty.");
        }

        return new QrPairingCode(
            parts[0],
            DecodeKey(parts[1], "noiseKey"),
            DecodeKey(parts[2], "identityKey"),
            DecodeKey(parts[3], "advSecret"),
            parts.Length == 5 ? parts[4] : null);
    }

    /// <summary><see cref="Parse"/> without the exception.</summary>
    public static bool TryParse(string? qr, [NotNullWhen(true)] out QrPairingCode? code) => TryParse(qr, out code, out _);

    /// <summary><see cref="Parse"/> that hands back what is wrong instead of throwing it.</summary>
    public static bool TryParse(string? qr, [NotNullWhen(true)] out QrPairingCode? code, [NotNullWhen(false)] out QrFormatException? error)
    {
        try
        {
            code = Parse(qr ?? string.Empty);
            error = null;
            return true;
        }
        catch (QrFormatException e)
        {
            code = null;
            error = e;
            return false;
        }
    }

    /// <summary>The string a companion would show for these values (Baileys' form when there is a client type).</summary>
    public string Format()
    {
        var parts = string.Join(',', Ref, Convert.ToBase64String(NoisePublicKey.Span), Convert.ToBase64String(IdentityPublicKey.Span), Convert.ToBase64String(AdvSecret.Span));
        return ClientType is null ? parts : $"{UrlPrefix}{parts},{ClientType}";
    }

    public bool Equals(QrPairingCode? other) =>
        other is not null
        && Ref == other.Ref
        && ClientType == other.ClientType
        && NoisePublicKey.Span.SequenceEqual(other.NoisePublicKey.Span)
        && IdentityPublicKey.Span.SequenceEqual(other.IdentityPublicKey.Span)
        && AdvSecret.Span.SequenceEqual(other.AdvSecret.Span);

    public override int GetHashCode() => HashCode.Combine(Ref, ClientType, Convert.ToHexString(IdentityPublicKey.Span));

    /// <summary>Names the ref and the identity key only; the ADV secret is a secret.</summary>
    public override string ToString() => $"QrPairingCode(ref {Ref}, identity {Convert.ToHexStringLower(IdentityPublicKey.Span)}, client type {ClientType ?? "none"})";

    private static byte[] DecodeKey(string text, string part)
    {
        // Canonical base64 only: Convert accepts whitespace and non-zero padding bits, so re-encode and compare.
        if (text.Length == 0 || text.Length % 4 != 0)
        {
            throw new QrFormatException(QrFormatError.BadBase64, part, "not padded standard base64.");
        }

        var buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64String(text, buffer, out var written))
        {
            throw new QrFormatException(QrFormatError.BadBase64, part, "not standard base64.");
        }

        var bytes = buffer.AsSpan(0, written).ToArray();
        if (!string.Equals(Convert.ToBase64String(bytes), text, StringComparison.Ordinal))
        {
            throw new QrFormatException(QrFormatError.BadBase64, part, "not canonical standard base64.");
        }

        if (bytes.Length != KeyLength)
        {
            throw new QrFormatException(QrFormatError.WrongKeyLength, part, $"decodes to {bytes.Length} bytes, expected {KeyLength}.");
        }

        return bytes;
    }

    private static void RequireKey(ReadOnlyMemory<byte> key, string part)
    {
        if (key.Length != KeyLength)
        {
            throw new QrFormatException(QrFormatError.WrongKeyLength, part, $"{key.Length} bytes, expected {KeyLength}.");
        }
    }
}
