using System.Text;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Media;

/// <summary>
/// The four keys expanded from a blob's 32-byte mediaKey (PROTOCOL.md §12 "Keys"):
/// <c>HKDF-SHA256(ikm = mediaKey, no salt, info = <see cref="MediaKinds.HkdfInfo"/>, 112)</c> split 16/32/32/32.
/// </summary>
/// <remarks>Secret material: never log it. The four values are views of one 112-byte array.</remarks>
public sealed class MediaKeys
{
    /// <summary>A mediaKey is 32 random bytes.</summary>
    public const int MediaKeySize = 32;

    private const int ExpandedSize = 112;

    private MediaKeys(byte[] expanded)
    {
        Iv = expanded.AsMemory(0, 16);
        CipherKey = expanded.AsMemory(16, 32);
        MacKey = expanded.AsMemory(48, 32);
        RefKey = expanded.AsMemory(80, 32);
    }

    /// <summary>The AES-CBC initialisation vector, bytes [0:16].</summary>
    public ReadOnlyMemory<byte> Iv { get; }

    /// <summary>The AES-256 key, bytes [16:48].</summary>
    public ReadOnlyMemory<byte> CipherKey { get; }

    /// <summary>The HMAC-SHA256 key for the 10-byte MAC, bytes [48:80].</summary>
    public ReadOnlyMemory<byte> MacKey { get; }

    /// <summary>Bytes [80:112]; unused by encryption, kept because the expansion defines it.</summary>
    public ReadOnlyMemory<byte> RefKey { get; }

    /// <summary>Expands <paramref name="mediaKey"/> for <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="mediaKey"/> is not 32 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined kind.</exception>
    public static MediaKeys Derive(ReadOnlySpan<byte> mediaKey, MediaKind kind)
    {
        if (mediaKey.Length != MediaKeySize)
        {
            throw new ArgumentException($"A mediaKey is {MediaKeySize} bytes, not {mediaKey.Length}.", nameof(mediaKey));
        }

        var expanded = new byte[ExpandedSize];
        Hkdf.DeriveSha256(mediaKey, ReadOnlySpan<byte>.Empty, Encoding.ASCII.GetBytes(MediaKinds.HkdfInfo(kind)), expanded);
        return new MediaKeys(expanded);
    }
}
