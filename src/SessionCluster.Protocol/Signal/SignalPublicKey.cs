using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// Signal's serialized public key: the type byte 0x05 (Curve25519) then the 32-byte key. Signal
/// messages carry this 33-byte form; WhatsApp's XML nodes and ADV messages carry the raw 32 bytes.
/// </summary>
public static class SignalPublicKey
{
    public const byte DjbType = 0x05;
    public const int SerializedSize = 33;

    /// <summary>0x05 || key.</summary>
    public static byte[] Serialize(ReadOnlySpan<byte> publicKey)
    {
        Curve25519.RequireKeyLength(publicKey, nameof(publicKey));
        var serialized = new byte[SerializedSize];
        serialized[0] = DjbType;
        publicKey.CopyTo(serialized.AsSpan(1));
        return serialized;
    }

    /// <summary>The raw 32-byte key of a 33-byte serialized key; false when the length or type byte is wrong.</summary>
    public static bool TryParse(ReadOnlySpan<byte> serialized, out byte[] publicKey)
    {
        if (serialized.Length != SerializedSize || serialized[0] != DjbType)
        {
            publicKey = [];
            return false;
        }

        publicKey = serialized[1..].ToArray();
        return true;
    }
}
