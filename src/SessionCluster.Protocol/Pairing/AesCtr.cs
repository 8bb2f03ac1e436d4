using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SessionCluster.Protocol.Pairing;

/// <summary>
/// AES-256-CTR as OpenSSL (and so Node's <c>aes-256-ctr</c>) does it: the 16-byte IV is the initial counter block,
/// incremented as one 128-bit big-endian number per block. .NET has no CTR mode, so counter blocks are encrypted with
/// ECB and XORed in. Only used for the 32-byte ephemeral keys of pairing by code.
/// </summary>
internal static class AesCtr
{
    public const int IvSize = 16;

    public static void Transform(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("AES-256-CTR needs a 32-byte key.", nameof(key));
        }

        if (iv.Length != IvSize)
        {
            throw new ArgumentException("AES-CTR needs a 16-byte IV.", nameof(iv));
        }

        if (output.Length != input.Length)
        {
            throw new ArgumentException("The output must be as long as the input.", nameof(output));
        }

        var blocks = (input.Length + IvSize - 1) / IvSize;
        var counters = new byte[blocks * IvSize];
        var high = BinaryPrimitives.ReadUInt64BigEndian(iv);
        var low = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
        for (var i = 0; i < blocks; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(counters.AsSpan(i * IvSize), high);
            BinaryPrimitives.WriteUInt64BigEndian(counters.AsSpan((i * IvSize) + 8), low);
            low++;
            if (low == 0)
            {
                high++;
            }
        }

        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        var keystream = aes.EncryptEcb(counters, PaddingMode.None);
        for (var i = 0; i < input.Length; i++)
        {
            output[i] = (byte)(input[i] ^ keystream[i]);
        }

        CryptographicOperations.ZeroMemory(keystream);
    }
}
