using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Signal;

/// <summary>Generates the keys a device registers: identity, registration id, one-time and signed prekeys.</summary>
public static class KeyHelper
{
    /// <summary>Registration ids as Baileys makes them: 14 random bits (0..16383), sent as 4 bytes big-endian.</summary>
    public static uint GenerateRegistrationId() => (uint)RandomNumberGenerator.GetInt32(0, 1 << 14);

    public static LocalIdentity GenerateIdentity() => new(Curve25519.GenerateKeyPair(), GenerateRegistrationId());

    /// <summary><paramref name="count"/> one-time prekeys with consecutive ids from <paramref name="firstId"/>, wrapping within 24 bits and skipping 0.</summary>
    public static IReadOnlyList<PreKeyRecord> GeneratePreKeys(uint firstId, int count)
    {
        var keys = new PreKeyRecord[count];
        var id = firstId;
        for (var i = 0; i < count; i++)
        {
            id = id is 0 or > PreKeyRecord.MaxId ? 1 : id;
            keys[i] = new PreKeyRecord(id, Curve25519.GenerateKeyPair());
            id++;
        }

        return keys;
    }

    /// <summary>A signed prekey: signature = XEdDSA(identity, 0x05 || public key).</summary>
    public static SignedPreKeyRecord GenerateSignedPreKey(KeyPair identityKey, uint id, TimeProvider? clock = null)
    {
        var keyPair = Curve25519.GenerateKeyPair();
        var signature = XEdDsa.Sign(identityKey.PrivateKey.Span, SignalPublicKey.Serialize(keyPair.PublicKey.Span));
        return new SignedPreKeyRecord(id, keyPair, signature, (clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds());
    }
}
