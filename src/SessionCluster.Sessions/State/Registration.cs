using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions.State;

/// <summary>
/// The companion's registration: the keys made at Create (Noise static key, Signal identity, registration id, signed
/// prekey, the next one-time prekey id, the ADV secret) and what pairing adds later (device JID, LID, push name, the
/// ADV signed identity; null until then). Immutable; a change is a new record. Holds private keys, so it is stored
/// only sealed (<see cref="Seal"/>) and <see cref="ToString"/> shows public parts only.
/// </summary>
public sealed record Registration(
    KeyPair NoiseKey,
    KeyPair IdentityKey,
    uint RegistrationId,
    SignedPreKeyRecord SignedPreKey,
    uint NextPreKeyId,
    ReadOnlyMemory<byte> AdvSecretKey,
    string? DeviceJid = null,
    string? Lid = null,
    string? PushName = null,
    ReadOnlyMemory<byte>? AdvSignedIdentity = null,
    SignedPreKeyRecord? PreviousSignedPreKey = null)
{
    /// <summary>The ADV secret's size, as WhatsApp Web makes it (32 random bytes, sent base64 in the pair-device reply).</summary>
    public const int AdvSecretKeySize = 32;

    /// <summary>The signed prekey id a new registration starts with (Baileys and whatsmeow use 1).</summary>
    public const uint FirstSignedPreKeyId = 1;

    /// <summary>Fresh keys for a new companion, all from <paramref name="random"/>, the signed prekey stamped by <paramref name="clock"/>.</summary>
    public static Registration Generate(RandomNumberGenerator random, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(clock);
        var noise = NewKeyPair(random);
        var identity = NewKeyPair(random);
        var signedPreKeyPair = NewKeyPair(random);

        var signatureRandom = new byte[64];
        random.GetBytes(signatureRandom);
        var signature = new byte[XEdDsa.SignatureSize];
        XEdDsa.Sign(identity.PrivateKey.Span, SignalPublicKey.Serialize(signedPreKeyPair.PublicKey.Span), signatureRandom, signature);
        CryptographicOperations.ZeroMemory(signatureRandom);

        var advSecret = new byte[AdvSecretKeySize];
        random.GetBytes(advSecret);
        return new Registration(
            noise,
            identity,
            NewRegistrationId(random),
            new SignedPreKeyRecord(FirstSignedPreKeyId, signedPreKeyPair, signature, clock.GetUtcNow().ToUnixTimeMilliseconds()),
            NextPreKeyId: 1,
            advSecret);
    }

    /// <summary>
    /// The registration with a new signed prekey (the next id, signed by the identity key, stamped by <paramref name="clock"/>);
    /// the current one becomes <see cref="PreviousSignedPreKey"/> so pkmsgs built on it before the rotation still decrypt.
    /// </summary>
    public Registration RotateSignedPreKey(RandomNumberGenerator random, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(clock);
        var keyPair = NewKeyPair(random);
        var signatureRandom = new byte[64];
        random.GetBytes(signatureRandom);
        var signature = new byte[XEdDsa.SignatureSize];
        XEdDsa.Sign(IdentityKey.PrivateKey.Span, SignalPublicKey.Serialize(keyPair.PublicKey.Span), signatureRandom, signature);
        CryptographicOperations.ZeroMemory(signatureRandom);
        var nextId = SignedPreKey.Id >= PreKeyRecord.MaxId ? 1 : SignedPreKey.Id + 1;
        return this with
        {
            SignedPreKey = new SignedPreKeyRecord(nextId, keyPair, signature, clock.GetUtcNow().ToUnixTimeMilliseconds()),
            PreviousSignedPreKey = SignedPreKey,
        };
    }

    /// <summary>The signed prekey with this id: the current one or the one before the last rotation; null for any other.</summary>
    public SignedPreKeyRecord? FindSignedPreKey(uint id) =>
        SignedPreKey.Id == id ? SignedPreKey : PreviousSignedPreKey is { } previous && previous.Id == id ? previous : null;

    /// <summary>The registration as protobuf, then sealed with <paramref name="box"/> under <paramref name="context"/> (the session id).</summary>
    public byte[] Seal(SecretBox box, ReadOnlySpan<byte> context)
    {
        ArgumentNullException.ThrowIfNull(box);
        var plain = ToProto().ToByteArray();
        try
        {
            return box.Seal(plain, context);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Opens what <see cref="Seal"/> made; a wrong key or changed bytes are a <see cref="SecretsException"/>.</summary>
    public static Registration Open(SecretBox box, ReadOnlySpan<byte> sealedRegistration, ReadOnlySpan<byte> context)
    {
        ArgumentNullException.ThrowIfNull(box);
        var plain = box.Open(sealedRegistration, context);
        try
        {
            return FromProto(RegistrationSecrets.Parser.ParseFrom(plain));
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or ArgumentException)
        {
            // Authenticated yet unreadable: written by a build that sealed something else. Never include the bytes.
            throw new SecretsException(SecretsFailure.Tampered, $"The sealed registration opened but does not read as a registration: {e.GetType().Name}.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public override string ToString() =>
        $"Registration(registration id {RegistrationId}, identity {Convert.ToHexStringLower(IdentityKey.PublicKey.Span)}, device {DeviceJid ?? "unpaired"})";

    private RegistrationSecrets ToProto()
    {
        var proto = new RegistrationSecrets
        {
            NoisePrivateKey = ByteString.CopyFrom(NoiseKey.PrivateKey.Span),
            IdentityPrivateKey = ByteString.CopyFrom(IdentityKey.PrivateKey.Span),
            RegistrationId = RegistrationId,
            SignedPrekeyId = SignedPreKey.Id,
            SignedPrekeyPrivateKey = ByteString.CopyFrom(SignedPreKey.KeyPair.PrivateKey.Span),
            SignedPrekeySignature = ByteString.CopyFrom(SignedPreKey.Signature.Span),
            SignedPrekeyTimestampMs = SignedPreKey.TimestampMilliseconds,
            NextPrekeyId = NextPreKeyId,
            AdvSecretKey = ByteString.CopyFrom(AdvSecretKey.Span),
        };
        if (DeviceJid is not null)
        {
            proto.DeviceJid = DeviceJid;
        }

        if (Lid is not null)
        {
            proto.Lid = Lid;
        }

        if (PushName is not null)
        {
            proto.PushName = PushName;
        }

        if (AdvSignedIdentity is { } adv)
        {
            proto.AdvSignedIdentity = ByteString.CopyFrom(adv.Span);
        }

        if (PreviousSignedPreKey is { } previous)
        {
            proto.PreviousSignedPrekeyId = previous.Id;
            proto.PreviousSignedPrekeyPrivateKey = ByteString.CopyFrom(previous.KeyPair.PrivateKey.Span);
            proto.PreviousSignedPrekeySignature = ByteString.CopyFrom(previous.Signature.Span);
            proto.PreviousSignedPrekeyTimestampMs = previous.TimestampMilliseconds;
        }

        return proto;
    }

    private static Registration FromProto(RegistrationSecrets proto) => new(
        Curve25519.FromPrivateKey(proto.NoisePrivateKey.Span),
        Curve25519.FromPrivateKey(proto.IdentityPrivateKey.Span),
        proto.RegistrationId,
        new SignedPreKeyRecord(
            proto.SignedPrekeyId,
            Curve25519.FromPrivateKey(proto.SignedPrekeyPrivateKey.Span),
            proto.SignedPrekeySignature.ToByteArray(),
            proto.SignedPrekeyTimestampMs),
        proto.NextPrekeyId,
        proto.AdvSecretKey.ToByteArray(),
        proto.HasDeviceJid ? proto.DeviceJid : null,
        proto.HasLid ? proto.Lid : null,
        proto.HasPushName ? proto.PushName : null,
        proto.HasAdvSignedIdentity ? proto.AdvSignedIdentity.ToByteArray() : null,
        proto.HasPreviousSignedPrekeyId
            ? new SignedPreKeyRecord(
                proto.PreviousSignedPrekeyId,
                Curve25519.FromPrivateKey(proto.PreviousSignedPrekeyPrivateKey.Span),
                proto.PreviousSignedPrekeySignature.ToByteArray(),
                proto.PreviousSignedPrekeyTimestampMs)
            : null);

    /// <summary>14 random bits (0..16383), as Baileys makes registration ids (see KeyHelper), from <paramref name="random"/>.</summary>
    private static uint NewRegistrationId(RandomNumberGenerator random)
    {
        Span<byte> bytes = stackalloc byte[2];
        random.GetBytes(bytes);
        return (uint)(System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes) & ((1 << 14) - 1));
    }

    private static KeyPair NewKeyPair(RandomNumberGenerator random)
    {
        var privateKey = new byte[Curve25519.KeySize];
        random.GetBytes(privateKey);
        var pair = Curve25519.FromPrivateKey(privateKey);
        CryptographicOperations.ZeroMemory(privateKey);
        return pair;
    }
}
