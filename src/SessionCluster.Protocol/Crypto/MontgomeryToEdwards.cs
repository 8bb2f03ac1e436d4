namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// Birational map from a Curve25519 Montgomery u-coordinate to the Ed25519 y-coordinate,
/// y = (u − 1) / (u + 1) mod p. XEdDSA verification needs it and libsodium only maps the other way.
/// </summary>
internal static class MontgomeryToEdwards
{
    /// <summary>Writes the canonical little-endian y-coordinate (bit 255 clear). False when u + 1 ≡ 0 (mod p).</summary>
    public static bool TryConvert(ReadOnlySpan<byte> montgomeryU, Span<byte> edwardsY)
    {
        var u = Field25519.FromBytes(montgomeryU);
        var denominator = u + Field25519.One;
        if (denominator.IsZero())
        {
            return false;
        }

        var y = (u - Field25519.One) * denominator.Invert();
        y.ToBytes(edwardsY);
        return true;
    }
}
