using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// The group ciphertext (<c>&lt;enc type="skmsg"&gt;</c>, docs/PROTOCOL.md §11):
/// 0x33 || SenderKeyMessageBody{id = 1, iteration = 2, ciphertext = 3} || XEdDSA signature (64 bytes)
/// by the sender's signing key over everything before it.
/// </summary>
/// <remarks>
/// Written and read by hand rather than through the generated SenderKeyMessageBody: it is on the hot
/// path, and by hand the message is one allocation with the AES output written straight into it,
/// and parsing only slices the input. Field order and encoding are protobuf's, the same bytes
/// protobufjs (Baileys) and the generated code produce; the tests hold the two to each other.
/// </remarks>
internal static class SenderKeyMessage
{
    /// <summary>(3 &lt;&lt; 4) | 3: message version 3, and 3 as the highest version the writer knows.</summary>
    public const byte VersionByte = 0x33;

    public const int CurrentVersion = 3;

    private const byte IdTag = (1 << 3) | 0;
    private const byte IterationTag = (2 << 3) | 0;
    private const byte CiphertextTag = (3 << 3) | 2;

    /// <summary>Encrypts <paramref name="plaintext"/> under <paramref name="messageKey"/> (iv || cipherKey) and signs the message.</summary>
    public static byte[] Create(uint keyId, uint iteration, ReadOnlySpan<byte> messageKey, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> signingPrivateKey)
    {
        var ciphertextLength = SenderKeyChain.CiphertextLength(plaintext.Length);
        var signedLength = checked(1
            + 1 + Protobuf.VarintSize(keyId)
            + 1 + Protobuf.VarintSize(iteration)
            + 1 + Protobuf.VarintSize((uint)ciphertextLength) + ciphertextLength);
        var message = new byte[checked(signedLength + XEdDsa.SignatureSize)];

        var position = 0;
        message[position++] = VersionByte;
        message[position++] = IdTag;
        position += Protobuf.WriteVarint(message.AsSpan(position), keyId);
        message[position++] = IterationTag;
        position += Protobuf.WriteVarint(message.AsSpan(position), iteration);
        message[position++] = CiphertextTag;
        position += Protobuf.WriteVarint(message.AsSpan(position), (uint)ciphertextLength);
        SenderKeyChain.Encrypt(messageKey, plaintext, message.AsSpan(position, ciphertextLength));

        Span<byte> random = stackalloc byte[64];
        RandomNumberGenerator.Fill(random);
        XEdDsa.Sign(signingPrivateKey, message.AsSpan(0, signedLength), random, message.AsSpan(signedLength));
        CryptographicOperations.ZeroMemory(random);
        return message;
    }

    /// <summary>Splits a message into its fields; nothing is verified or decrypted yet.</summary>
    /// <exception cref="SignalDecryptException">InvalidMessage or UnsupportedVersion.</exception>
    public static Parsed Parse(ReadOnlySpan<byte> message)
    {
        if (message.Length < 1 + XEdDsa.SignatureSize)
        {
            throw Invalid($"{message.Length} bytes is shorter than a version byte and a signature");
        }

        if (message[0] >> 4 != CurrentVersion)
        {
            throw new SignalDecryptException(DecryptFailure.UnsupportedVersion, $"sender key message version {message[0] >> 4}; only {CurrentVersion} is read");
        }

        var signed = message[..^XEdDsa.SignatureSize];
        var body = signed[1..];
        uint? keyId = null;
        uint? iteration = null;
        var ciphertextStart = -1;
        var ciphertextLength = 0;
        var position = 0;
        while (position < body.Length)
        {
            var tag = Protobuf.ReadTag(body, ref position);
            switch (tag)
            {
                case IdTag:
                    keyId = Protobuf.ReadUInt32(body, ref position);
                    break;
                case IterationTag:
                    iteration = Protobuf.ReadUInt32(body, ref position);
                    break;
                case CiphertextTag:
                    var field = Protobuf.ReadLengthDelimited(body, ref position);
                    ciphertextStart = 1 + position - field.Length;
                    ciphertextLength = field.Length;
                    break;
                default:
                    Protobuf.SkipField(body, tag, ref position, maxKnownField: 3);
                    break;
            }
        }

        if (keyId is null || iteration is null || ciphertextStart < 0)
        {
            throw Invalid("the key id, iteration or ciphertext is missing");
        }

        return new Parsed(keyId.Value, iteration.Value, signed.Slice(ciphertextStart, ciphertextLength), signed, message[^XEdDsa.SignatureSize..]);
    }

    private static SignalDecryptException Invalid(string reason) => new(DecryptFailure.InvalidMessage, $"not a sender key message: {reason}");

    /// <summary>A parsed message; every span points into the caller's bytes.</summary>
    internal readonly ref struct Parsed(uint keyId, uint iteration, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> signed, ReadOnlySpan<byte> signature)
    {
        public uint KeyId { get; } = keyId;

        public uint Iteration { get; } = iteration;

        public ReadOnlySpan<byte> Ciphertext { get; } = ciphertext;

        /// <summary>Version byte and body: what the signature covers.</summary>
        public ReadOnlySpan<byte> Signed { get; } = signed;

        public ReadOnlySpan<byte> Signature { get; } = signature;
    }

    /// <summary>The few protobuf wire rules this message needs. Failures are InvalidMessage.</summary>
    private static class Protobuf
    {
        public static int VarintSize(uint value)
        {
            var size = 1;
            while (value >= 0x80)
            {
                value >>= 7;
                size++;
            }

            return size;
        }

        public static int WriteVarint(Span<byte> destination, uint value)
        {
            var i = 0;
            while (value >= 0x80)
            {
                destination[i++] = (byte)(value | 0x80);
                value >>= 7;
            }

            destination[i++] = (byte)value;
            return i;
        }

        public static uint ReadTag(ReadOnlySpan<byte> body, ref int position)
        {
            var tag = ReadUInt32(body, ref position);
            if (tag >> 3 == 0)
            {
                throw Invalid("field number 0");
            }

            return tag;
        }

        /// <summary>A varint that must fit 32 bits; protobuf allows up to 10 bytes, we refuse what a uint32 writer never makes.</summary>
        public static uint ReadUInt32(ReadOnlySpan<byte> body, ref int position)
        {
            var value = ReadVarint(body, ref position);
            if (value > uint.MaxValue)
            {
                throw Invalid("a 32-bit field holds a larger value");
            }

            return (uint)value;
        }

        public static ReadOnlySpan<byte> ReadLengthDelimited(ReadOnlySpan<byte> body, ref int position)
        {
            var length = ReadVarint(body, ref position);
            if (length > (ulong)(body.Length - position))
            {
                throw Invalid("a field runs past the end of the message");
            }

            var field = body.Slice(position, (int)length);
            position += (int)length;
            return field;
        }

        /// <summary>Skips a field we do not read. A known field number with the wrong wire type is refused, not skipped.</summary>
        public static void SkipField(ReadOnlySpan<byte> body, uint tag, ref int position, uint maxKnownField)
        {
            if (tag >> 3 <= maxKnownField)
            {
                throw Invalid($"field {tag >> 3} has wire type {tag & 7}");
            }

            switch (tag & 7)
            {
                case 0:
                    ReadVarint(body, ref position);
                    break;
                case 1:
                    Skip(body, 8, ref position);
                    break;
                case 2:
                    ReadLengthDelimited(body, ref position);
                    break;
                case 5:
                    Skip(body, 4, ref position);
                    break;
                default:
                    throw Invalid($"unsupported wire type {tag & 7}");
            }
        }

        private static void Skip(ReadOnlySpan<byte> body, int count, ref int position)
        {
            if (body.Length - position < count)
            {
                throw Invalid("a field runs past the end of the message");
            }

            position += count;
        }

        private static ulong ReadVarint(ReadOnlySpan<byte> body, ref int position)
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (position >= body.Length)
                {
                    throw Invalid("a varint runs past the end of the message");
                }

                var b = body[position++];
                if (shift == 63 && b > 1)
                {
                    throw Invalid("a varint overflows 64 bits");
                }

                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw Invalid("a varint is longer than 10 bytes");
        }
    }
}
