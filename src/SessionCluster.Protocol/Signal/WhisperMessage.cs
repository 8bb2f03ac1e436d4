using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Google.Protobuf;
using System.Buffers;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// A version-3 WhisperMessage: <c>0x33 || proto{ratchetKey, counter, previousCounter, ciphertext} || mac[8]</c>
/// with <c>mac = HMAC-SHA256(macKey, senderIdentity33 || receiverIdentity33 || 0x33 || proto)[0..8]</c>
/// and the payload in AES-256-CBC with PKCS7 (libsignal-node <c>session_cipher.js</c>
/// encrypt/doDecryptWhisperMessage).
/// </summary>
/// <remarks>
/// <see cref="Seal"/> writes the four fields itself, in field-number order with every field present, as
/// libsignal-node's protobufjs encoder does: the protobuf is MAC'd, so its bytes must match, and
/// writing them straight into the output spares the encoder's copies. Reading uses the generated
/// parser for <c>proto/signal/whisper.proto</c>, which handles any field order, unknown fields and
/// repeats as every protobuf reader does.
/// </remarks>
[SkipLocalsInit]
internal sealed class WhisperMessage
{
    /// <summary>
    /// (message version 3 &lt;&lt; 4) | current version 3: the byte every writer sends. libsignal-node's
    /// reader only checks high nibble ≥ 3 and low nibble ≤ 3 and MACs a fixed 0x33 whatever arrived, so
    /// it would also take 0x32 or 0x43; we take 0x33 alone, which keeps the first byte authenticated.
    /// </summary>
    public const byte VersionByte = 0x33;

    public const int MacSize = 8;

    /// <summary>Message keys: cipher key 32 | MAC key 32 | IV 16 (<see cref="RatchetKdf.MessageKeys"/>).</summary>
    private const int CipherKeyOffset = 0;
    private const int MacKeyOffset = 32;
    private const int IvOffset = 64;

    private const byte RatchetKeyTag = (1 << 3) | 2;
    private const byte CounterTag = 2 << 3;
    private const byte PreviousCounterTag = 3 << 3;
    private const byte CiphertextTag = (4 << 3) | 2;

    /// <summary>0x05 || sender || 0x05 || receiver || 0x33: what the MAC covers before the protobuf.</summary>
    private const int MacHeaderSize = (2 * SignalPublicKey.SerializedSize) + 1;

    private readonly ReadOnlyMemory<byte> serialized;

    private WhisperMessage(ReadOnlyMemory<byte> serialized, byte[] ratchetKey, uint counter, uint previousCounter, ReadOnlyMemory<byte> ciphertext)
    {
        this.serialized = serialized;
        RatchetKey = ratchetKey;
        Counter = counter;
        PreviousCounter = previousCounter;
        Ciphertext = ciphertext;
    }

    /// <summary>The sender's ratchet public key, raw 32 bytes.</summary>
    public byte[] RatchetKey { get; }

    public uint Counter { get; }

    public uint PreviousCounter { get; }

    public ReadOnlyMemory<byte> Ciphertext { get; }

    /// <summary>
    /// Reads a WhisperMessage. Fields libsignal-node always writes are required except
    /// previousCounter, which protobuf readers (libsignal-node's and libsignal's) default to 0.
    /// </summary>
    public static WhisperMessage Parse(ReadOnlyMemory<byte> serialized)
    {
        var bytes = serialized.Span;
        if (bytes.IsEmpty)
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMessage, "The WhisperMessage is empty.");
        }

        if (bytes[0] != VersionByte)
        {
            throw new SignalDecryptException(DecryptFailure.UnsupportedVersion, $"WhisperMessage version byte 0x{bytes[0]:x2}; only 0x33 (version 3) is supported.");
        }

        if (bytes.Length < 1 + MacSize)
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMessage, $"A WhisperMessage of {bytes.Length} bytes is too short.");
        }

        if (TryParseCanonical(serialized[1..^MacSize], out var ratchetKeyField, out var counter, out var previousCounter, out var ciphertext))
        {
            if (!TryParseKey(ratchetKeyField, out var key))
            {
                throw new SignalDecryptException(DecryptFailure.InvalidMessage, "The WhisperMessage ratchet key is not a canonical 33-byte 0x05 key.");
            }

            return new WhisperMessage(serialized, key, counter, previousCounter, ciphertext);
        }

        return ParseGeneral(serialized);
    }

    /// <summary>The generated protobuf parser: any field order, unknown fields, repeats (last wins).</summary>
    internal static WhisperMessage ParseGeneral(ReadOnlyMemory<byte> serialized)
    {
        var bytes = serialized.Span;
        Proto.WhisperMessage proto;
        try
        {
            proto = Proto.WhisperMessage.Parser.ParseFrom(bytes[1..^MacSize]);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMessage, "The WhisperMessage protobuf does not parse.", e);
        }

        if (!proto.HasRatchetKey || !proto.HasCounter || !proto.HasCiphertext)
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMessage, "The WhisperMessage lacks its ratchet key, counter or ciphertext.");
        }

        if (!TryParseKey(proto.RatchetKey.Span, out var ratchetKey))
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMessage, "The WhisperMessage ratchet key is not a canonical 33-byte 0x05 key.");
        }

        return new WhisperMessage(serialized, ratchetKey, proto.Counter, proto.PreviousCounter, proto.Ciphertext.Memory);
    }

    /// <summary>
    /// The layout <see cref="Seal"/> and libsignal write, read without the protobuf runtime: exactly the
    /// four fields in field-number order (ratchet key of 33 bytes; varints of at most 5 bytes, truncated to
    /// 32 bits as protobuf's ReadUInt32 does) and nothing after. Anything else returns false and goes to
    /// <see cref="ParseGeneral"/>, so the result never differs from the generated parser's.
    /// </summary>
    internal static bool TryParseCanonical(ReadOnlyMemory<byte> proto, out ReadOnlySpan<byte> ratchetKey, out uint counter, out uint previousCounter, out ReadOnlyMemory<byte> ciphertext)
    {
        var bytes = proto.Span;
        ratchetKey = default;
        counter = 0;
        previousCounter = 0;
        ciphertext = default;
        const int KeyEnd = 2 + SignalPublicKey.SerializedSize;
        if (bytes.Length < KeyEnd + 6 || bytes[0] != RatchetKeyTag || bytes[1] != SignalPublicKey.SerializedSize)
        {
            return false;
        }

        var position = KeyEnd;
        if (bytes[position++] != CounterTag || !TryReadVarint(bytes, ref position, out counter)
            || position >= bytes.Length || bytes[position++] != PreviousCounterTag || !TryReadVarint(bytes, ref position, out previousCounter)
            || position >= bytes.Length || bytes[position++] != CiphertextTag || !TryReadVarint(bytes, ref position, out var length)
            || length != (uint)(bytes.Length - position))
        {
            return false;
        }

        ratchetKey = bytes[2..KeyEnd];
        ciphertext = proto[position..];
        return true;
    }

    /// <summary>A varint of 1–5 bytes whose last byte ends it; bits past 32 are dropped as protobuf's ReadRawVarint32 does.</summary>
    private static bool TryReadVarint(ReadOnlySpan<byte> bytes, ref int position, out uint value)
    {
        value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= bytes.Length)
            {
                return false;
            }

            var b = bytes[position++];
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A 33-byte 0x05 key whose top bit is clear. X25519 ignores that bit, so a key with it set is the
    /// same key under another name; no X25519 implementation produces one. libsignal accepts them; we
    /// refuse them so that the unauthenticated keys of a PreKeyWhisperMessage cannot be renamed.
    /// </summary>
    public static bool TryParseKey(ReadOnlySpan<byte> serialized, out byte[] publicKey) =>
        SignalPublicKey.TryParse(serialized, out publicKey) && (publicKey[^1] & 0x80) == 0;

    /// <summary>Encrypts <paramref name="plaintext"/> under <paramref name="messageKeys"/> and returns the whole MAC'd message.</summary>
    /// <param name="ratchetKey">The sender's ratchet public key, raw 32 bytes.</param>
    /// <param name="messageKeys">The 80 bytes of <see cref="RatchetKdf.MessageKeys"/>.</param>
    /// <param name="senderIdentity">Raw 32 bytes.</param>
    /// <param name="receiverIdentity">Raw 32 bytes.</param>
    public static byte[] Seal(
        ReadOnlySpan<byte> ratchetKey,
        uint counter,
        uint previousCounter,
        ReadOnlySpan<byte> messageKeys,
        ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> senderIdentity,
        ReadOnlySpan<byte> receiverIdentity)
    {
        // The MAC key's two compressions do not depend on the ciphertext: prepared first, they overlap with
        // the AES-CBC chain, which is latency-bound.
        var macKey = new HmacSha256Key(messageKeys.Slice(MacKeyOffset, HmacSha256Key.MacSize));
        return Seal(ratchetKey, counter, previousCounter, messageKeys, macKey, plaintext, senderIdentity, receiverIdentity);
    }

    /// <summary><see cref="Seal(ReadOnlySpan{byte}, uint, uint, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> with the MAC key (message key bytes 32–63) already prepared.</summary>
    public static byte[] Seal(
        ReadOnlySpan<byte> ratchetKey,
        uint counter,
        uint previousCounter,
        ReadOnlySpan<byte> messageKeys,
        in HmacSha256Key macKey,
        ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> senderIdentity,
        ReadOnlySpan<byte> receiverIdentity)
    {
        var ciphertextLength = AesCbc.GetCiphertextLength(plaintext.Length);
        var protoLength = 2 + SignalPublicKey.SerializedSize
            + 1 + VarintSize(counter)
            + 1 + VarintSize(previousCounter)
            + 1 + VarintSize((uint)ciphertextLength) + ciphertextLength;
        var output = new byte[1 + protoLength + MacSize];
        var position = 0;
        output[position++] = VersionByte;
        output[position++] = RatchetKeyTag;
        output[position++] = SignalPublicKey.SerializedSize;
        output[position++] = SignalPublicKey.DjbType;
        ratchetKey.CopyTo(output.AsSpan(position, Curve25519.KeySize));
        position += Curve25519.KeySize;
        output[position++] = CounterTag;
        position += WriteVarint(output.AsSpan(position), counter);
        output[position++] = PreviousCounterTag;
        position += WriteVarint(output.AsSpan(position), previousCounter);
        output[position++] = CiphertextTag;
        position += WriteVarint(output.AsSpan(position), (uint)ciphertextLength);
        // The MAC's first block (identities) does not depend on the ciphertext: hashed first, it overlaps with AES.
        Span<byte> header = stackalloc byte[MacHeaderSize];
        var mac = BeginMac(macKey, senderIdentity, receiverIdentity, header);
        AesCbc.Encrypt(
            messageKeys.Slice(CipherKeyOffset, AesCbc.KeySize),
            messageKeys.Slice(IvOffset, AesCbc.IvSize),
            plaintext,
            output.AsSpan(position, ciphertextLength));
        FinishMac(macKey, ref mac, header, output.AsSpan(1, protoLength), output.AsSpan(1 + protoLength));
        return output;
    }

    /// <summary>Checks the MAC, then decrypts the payload.</summary>
    /// <exception cref="SignalDecryptException">InvalidMac, or InvalidMessage when an authenticated ciphertext does not decrypt.</exception>
    public byte[] Open(ReadOnlySpan<byte> messageKeys, ReadOnlySpan<byte> senderIdentity, ReadOnlySpan<byte> receiverIdentity) =>
        Open(messageKeys, new HmacSha256Key(messageKeys.Slice(MacKeyOffset, HmacSha256Key.MacSize)), senderIdentity, receiverIdentity);

    /// <summary><see cref="Open(ReadOnlySpan{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> with the MAC key (message key bytes 32–63) already prepared.</summary>
    public byte[] Open(ReadOnlySpan<byte> messageKeys, in HmacSha256Key macKey, ReadOnlySpan<byte> senderIdentity, ReadOnlySpan<byte> receiverIdentity)
    {
        var bytes = serialized.Span;
        var ciphertext = Ciphertext.Span;
        const int StackLimit = 1024;
        byte[]? rented = null;
        var buffer = ciphertext.Length <= StackLimit
            ? stackalloc byte[ciphertext.Length]
            : (rented = ArrayPool<byte>.Shared.Rent(ciphertext.Length));
        var length = 0;
        Span<byte> header = stackalloc byte[MacHeaderSize];
        var mac = BeginMac(macKey, senderIdentity, receiverIdentity, header);
        try
        {
            // AES-CBC decryption and the MAC are independent, so they run back to back and the CPU overlaps
            // them. The plaintext stays in this buffer, unseen, until the MAC has verified; a bad MAC is
            // reported as such whatever the decryption found.
            var decrypted = AesCbc.TryDecrypt(
                messageKeys.Slice(CipherKeyOffset, AesCbc.KeySize),
                messageKeys.Slice(IvOffset, AesCbc.IvSize),
                ciphertext,
                buffer,
                out length);
            Span<byte> expected = stackalloc byte[MacSize];
            FinishMac(macKey, ref mac, header, bytes[1..^MacSize], expected);
            if (!CryptographicOperations.FixedTimeEquals(expected, bytes[^MacSize..]))
            {
                // libsignal-node: "This is where we most likely fail if the session is not a match."
                throw new SignalDecryptException(DecryptFailure.InvalidMac, "The message MAC does not verify with this session.");
            }

            if (!decrypted)
            {
                throw new SignalDecryptException(DecryptFailure.InvalidMessage, "The authenticated ciphertext does not decrypt (bad length or padding).");
            }

            return buffer[..length].ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer[..length]);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// Starts HMAC-SHA256(macKey, 0x05 || sender || 0x05 || receiver || 0x33 || proto): writes those 67 header
    /// bytes to <paramref name="header"/> and hashes its first block. Identities are raw 32-byte keys.
    /// </summary>
    private static Sha256Context BeginMac(in HmacSha256Key macKey, ReadOnlySpan<byte> senderIdentity, ReadOnlySpan<byte> receiverIdentity, Span<byte> header)
    {
        header[0] = SignalPublicKey.DjbType;
        senderIdentity.CopyTo(header[1..]);
        header[SignalPublicKey.SerializedSize] = SignalPublicKey.DjbType;
        receiverIdentity.CopyTo(header[(SignalPublicKey.SerializedSize + 1)..]);
        header[^1] = VersionByte;
        return macKey.BeginPartial(header[..HmacSha256Key.BlockSize]);
    }

    /// <summary>Completes <see cref="BeginMac"/> over the protobuf and writes the MAC's first 8 bytes.</summary>
    private static void FinishMac(in HmacSha256Key macKey, ref Sha256Context context, ReadOnlySpan<byte> header, ReadOnlySpan<byte> proto, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[HmacSha256.MacSize];
        macKey.FinishPartial(ref context, HmacSha256Key.BlockSize, header[HmacSha256Key.BlockSize..], proto, full);
        full[..MacSize].CopyTo(mac);
    }

    private static int VarintSize(uint value) => value switch
    {
        < 1u << 7 => 1,
        < 1u << 14 => 2,
        < 1u << 21 => 3,
        < 1u << 28 => 4,
        _ => 5,
    };

    private static int WriteVarint(Span<byte> destination, uint value)
    {
        var written = 0;
        while (value >= 0x80)
        {
            destination[written++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[written++] = (byte)value;
        return written;
    }
}
