using System.Buffers;
using System.Security.Cryptography;
using Google.Protobuf;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// A version-3 WhisperMessage: <c>0x33 || proto{ratchetKey, counter, previousCounter, ciphertext} || mac[8]</c>
/// with <c>mac = HMAC-SHA256(macKey, senderIdentity33 || receiverIdentity33 || 0x33 || proto)[0..8]</c>
/// (libsignal-node <c>session_cipher.js</c> encrypt/doDecryptWhisperMessage).
/// </summary>
internal sealed class WhisperMessage
{
    /// <summary>(current version 3 &lt;&lt; 4) | 3, the only version libsignal-node reads or writes.</summary>
    public const byte VersionByte = 0x33;

    public const int MacSize = 8;

    private const int IdentitiesSize = 2 * SignalPublicKey.SerializedSize;

    private readonly ReadOnlyMemory<byte> serialized;

    private WhisperMessage(ReadOnlyMemory<byte> serialized, byte[] ratchetKey, uint counter, uint previousCounter, byte[] ciphertext)
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

    public byte[] Ciphertext { get; }

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

        return new WhisperMessage(serialized, ratchetKey, proto.Counter, proto.PreviousCounter, proto.Ciphertext.ToByteArray());
    }

    /// <summary>
    /// A 33-byte 0x05 key whose top bit is clear. X25519 ignores that bit, so a key with it set is the
    /// same key under another name; no X25519 implementation produces one. libsignal accepts them; we
    /// refuse them so that the unauthenticated keys of a PreKeyWhisperMessage cannot be renamed.
    /// </summary>
    public static bool TryParseKey(ReadOnlySpan<byte> serialized, out byte[] publicKey) =>
        SignalPublicKey.TryParse(serialized, out publicKey) && (publicKey[^1] & 0x80) == 0;

    /// <summary>Builds and MACs a WhisperMessage.</summary>
    public static byte[] Encode(
        ReadOnlySpan<byte> ratchetKey,
        uint counter,
        uint previousCounter,
        byte[] ciphertext,
        ReadOnlySpan<byte> macKey,
        ReadOnlySpan<byte> senderIdentity,
        ReadOnlySpan<byte> receiverIdentity)
    {
        var proto = new Proto.WhisperMessage
        {
            RatchetKey = UnsafeByteOperations.UnsafeWrap(SignalPublicKey.Serialize(ratchetKey)),
            Counter = counter,
            PreviousCounter = previousCounter,
            Ciphertext = UnsafeByteOperations.UnsafeWrap(ciphertext),
        };
        var protoSize = proto.CalculateSize();
        var serialized = new byte[1 + protoSize + MacSize];
        serialized[0] = VersionByte;
        proto.WriteTo(serialized.AsSpan(1, protoSize));
        ComputeMac(macKey, senderIdentity, receiverIdentity, serialized.AsSpan(1, protoSize), serialized.AsSpan(1 + protoSize));
        return serialized;
    }

    /// <summary>True when the message's MAC is the one <paramref name="macKey"/> gives for this sender and receiver.</summary>
    public bool VerifyMac(ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> senderIdentity, ReadOnlySpan<byte> receiverIdentity)
    {
        var bytes = serialized.Span;
        Span<byte> expected = stackalloc byte[MacSize];
        ComputeMac(macKey, senderIdentity, receiverIdentity, bytes[1..^MacSize], expected);
        return CryptographicOperations.FixedTimeEquals(expected, bytes[^MacSize..]);
    }

    /// <summary>HMAC-SHA256(macKey, 0x05 || sender || 0x05 || receiver || 0x33 || proto), first 8 bytes. Identities are raw 32-byte keys.</summary>
    private static void ComputeMac(ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> senderIdentity, ReadOnlySpan<byte> receiverIdentity, ReadOnlySpan<byte> proto, Span<byte> mac)
    {
        var inputSize = IdentitiesSize + 1 + proto.Length;
        byte[]? rented = null;
        var input = inputSize <= 512 ? stackalloc byte[inputSize] : (rented = ArrayPool<byte>.Shared.Rent(inputSize)).AsSpan(0, inputSize);
        input[0] = SignalPublicKey.DjbType;
        senderIdentity.CopyTo(input[1..]);
        input[SignalPublicKey.SerializedSize] = SignalPublicKey.DjbType;
        receiverIdentity.CopyTo(input[(SignalPublicKey.SerializedSize + 1)..]);
        input[IdentitiesSize] = VersionByte;
        proto.CopyTo(input[(IdentitiesSize + 1)..]);
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(macKey, input, full);
        full[..MacSize].CopyTo(mac);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
