using System.Numerics;

namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// Birational map from a Curve25519 Montgomery u-coordinate to the Ed25519 y-coordinate,
/// y = (u - 1) / (u + 1) mod p. XEdDSA verification needs it and libsodium only maps the other way.
/// Only public keys pass through here, so variable time is acceptable.
/// </summary>
internal static class MontgomeryToEdwards
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger PMinus2 = P - 2;

    /// <summary>Writes the little-endian y-coordinate (bit 255 clear). False when u + 1 ≡ 0 (mod p).</summary>
    public static bool TryConvert(ReadOnlySpan<byte> montgomeryU, Span<byte> edwardsY)
    {
        Span<byte> masked = stackalloc byte[32];
        montgomeryU.CopyTo(masked);
        masked[31] &= 0x7F; // RFC 7748: the top bit of u is ignored.

        var u = new BigInteger(masked, isUnsigned: true, isBigEndian: false) % P;
        var denominator = (u + 1) % P;
        if (denominator.IsZero)
        {
            return false;
        }

        var y = (u - 1 + P) % P * BigInteger.ModPow(denominator, PMinus2, P) % P;
        edwardsY.Clear();
        return y.TryWriteBytes(edwardsY, out _, isUnsigned: true, isBigEndian: false);
    }
}
