using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// A signed prekey: a key pair whose serialized public key (0x05 || key) is XEdDSA-signed by the
/// identity key, so a peer can check it came from the identity it trusts.
/// </summary>
public sealed record SignedPreKeyRecord
{
    public SignedPreKeyRecord(uint id, KeyPair keyPair, ReadOnlyMemory<byte> signature, long timestampMilliseconds)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(id, PreKeyRecord.MaxId);
        if (signature.Length != XEdDsa.SignatureSize)
        {
            throw new ArgumentException($"A signed prekey signature is {XEdDsa.SignatureSize} bytes.", nameof(signature));
        }

        Id = id;
        KeyPair = keyPair;
        Signature = signature;
        TimestampMilliseconds = timestampMilliseconds;
    }

    public uint Id { get; }

    public KeyPair KeyPair { get; }

    public ReadOnlyMemory<byte> Signature { get; }

    public long TimestampMilliseconds { get; }

    /// <summary>True when <paramref name="signature"/> is the identity's signature over 0x05 || <paramref name="signedPreKey"/>.</summary>
    public static bool VerifySignature(ReadOnlySpan<byte> identityKey, ReadOnlySpan<byte> signedPreKey, ReadOnlySpan<byte> signature) =>
        signedPreKey.Length == Curve25519.KeySize && XEdDsa.Verify(identityKey, SignalPublicKey.Serialize(signedPreKey), signature);
}
