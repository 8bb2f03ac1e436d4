using Google.Protobuf;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// A version-3 PreKeyWhisperMessage: <c>0x33 || proto{preKeyId?, baseKey, identityKey, message,
/// registrationId, signedPreKeyId}</c>, where <c>message</c> is a whole WhisperMessage (libsignal-node
/// <c>session_cipher.js</c> encrypt/decryptPreKeyWhisperMessage). Only the inner message is
/// authenticated; the outer fields are checked by the X3DH they feed (the registration id is not
/// checked by anything, in libsignal either).
/// </summary>
internal sealed class PreKeyWhisperMessage
{
    private PreKeyWhisperMessage(uint? preKeyId, uint signedPreKeyId, byte[] baseKey, byte[] identityKey, uint registrationId, WhisperMessage message)
    {
        PreKeyId = preKeyId;
        SignedPreKeyId = signedPreKeyId;
        BaseKey = baseKey;
        IdentityKey = identityKey;
        RegistrationId = registrationId;
        Message = message;
    }

    public uint? PreKeyId { get; }

    public uint SignedPreKeyId { get; }

    /// <summary>The initiator's X3DH ephemeral key, raw 32 bytes.</summary>
    public byte[] BaseKey { get; }

    /// <summary>The initiator's identity key, raw 32 bytes.</summary>
    public byte[] IdentityKey { get; }

    public uint RegistrationId { get; }

    public WhisperMessage Message { get; }

    /// <summary>
    /// Reads a PreKeyWhisperMessage. All fields but the one-time prekey id are required; libsignal-node
    /// needs the registration id too when it has no record for the sender, and every sender writes it.
    /// </summary>
    public static PreKeyWhisperMessage Parse(ReadOnlyMemory<byte> serialized)
    {
        var bytes = serialized.Span;
        if (bytes.IsEmpty)
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMessage, "The PreKeyWhisperMessage is empty.");
        }

        if (bytes[0] != WhisperMessage.VersionByte)
        {
            throw new SignalDecryptException(DecryptFailure.UnsupportedVersion, $"PreKeyWhisperMessage version byte 0x{bytes[0]:x2}; only 0x33 (version 3) is supported.");
        }

        Proto.PreKeyWhisperMessage proto;
        try
        {
            proto = Proto.PreKeyWhisperMessage.Parser.ParseFrom(bytes[1..]);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMessage, "The PreKeyWhisperMessage protobuf does not parse.", e);
        }

        if (!proto.HasBaseKey || !proto.HasIdentityKey || !proto.HasMessage || !proto.HasSignedPreKeyId || !proto.HasRegistrationId)
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMessage, "The PreKeyWhisperMessage lacks a required field.");
        }

        if (!WhisperMessage.TryParseKey(proto.BaseKey.Span, out var baseKey) || !WhisperMessage.TryParseKey(proto.IdentityKey.Span, out var identityKey))
        {
            throw new SignalDecryptException(DecryptFailure.InvalidMessage, "The PreKeyWhisperMessage base or identity key is not a canonical 33-byte 0x05 key.");
        }

        var message = WhisperMessage.Parse(proto.Message.Memory);
        return new PreKeyWhisperMessage(
            proto.HasPreKeyId ? proto.PreKeyId : null,
            proto.SignedPreKeyId,
            baseKey,
            identityKey,
            proto.RegistrationId,
            message);
    }

    /// <summary>Wraps a WhisperMessage for a session whose first reply has not arrived yet.</summary>
    public static byte[] Encode(PendingPreKey pending, ReadOnlySpan<byte> baseKey, ReadOnlySpan<byte> identityKey, uint registrationId, byte[] whisperMessage)
    {
        var proto = new Proto.PreKeyWhisperMessage
        {
            BaseKey = UnsafeByteOperations.UnsafeWrap(SignalPublicKey.Serialize(baseKey)),
            IdentityKey = UnsafeByteOperations.UnsafeWrap(SignalPublicKey.Serialize(identityKey)),
            Message = UnsafeByteOperations.UnsafeWrap(whisperMessage),
            RegistrationId = registrationId,
            SignedPreKeyId = pending.SignedPreKeyId,
        };
        if (pending.PreKeyId is { } preKeyId)
        {
            proto.PreKeyId = preKeyId;
        }

        var protoSize = proto.CalculateSize();
        var serialized = new byte[1 + protoSize];
        serialized[0] = WhisperMessage.VersionByte;
        proto.WriteTo(serialized.AsSpan(1));
        return serialized;
    }
}
