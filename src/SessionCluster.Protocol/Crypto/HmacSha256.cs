namespace SessionCluster.Protocol.Crypto;

/// <summary>
/// One-shot HMAC-SHA256 on the fast SHA-256 (OpenSSL's low-level functions, SHA-NI). For several MACs
/// under one key, prepare it once with <see cref="HmacSha256Key"/>, which halves the cost of each.
/// </summary>
public static class HmacSha256
{
    /// <summary>Length of an HMAC-SHA256 value in bytes.</summary>
    public const int MacSize = HmacSha256Key.MacSize;

    /// <summary>Writes HMAC-SHA256(<paramref name="key"/>, <paramref name="data"/>) to the first 32 bytes of <paramref name="destination"/>.</summary>
    /// <param name="key">Any length, including empty; keys over 64 bytes are hashed first (RFC 2104).</param>
    /// <param name="data">The message.</param>
    /// <param name="destination">At least <see cref="MacSize"/> bytes; may overlap the inputs.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 32 bytes.</exception>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination) =>
        new HmacSha256Key(key).Compute(data, destination);

    /// <inheritdoc cref="Compute(ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>
    internal static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination, Sha256Backend backend) =>
        new HmacSha256Key(key, backend).Compute(data, destination);
}
