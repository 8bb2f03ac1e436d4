using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Protocol.Tests.Pairing;

/// <summary>
/// A companion's side of pairing by code written from docs/PROTOCOL.md §6 step 5 with .NET's own HKDF and AES-GCM, so the phone's
/// side has an independent counterpart in unit tests. The Baileys cross-checks live in the interop tests.
/// </summary>
internal sealed class TestLinkCodeCompanion(string code)
{
    public KeyPair Ephemeral { get; } = Curve25519.GenerateKeyPair();

    public KeyPair Identity { get; } = Curve25519.GenerateKeyPair();

    public byte[] Hello() => PairingCode.WrapEphemeral(code, Ephemeral.PublicKey.Span);

    /// <summary>Returns the wrapped key bundle and the ADV secret the companion derives.</summary>
    public (byte[] WrappedBundle, byte[] AdvSecret) Finish(ReadOnlySpan<byte> wrappedPrimaryEphemeral, ReadOnlySpan<byte> primaryIdentity, byte[]? bundleIdentityOverride = null)
    {
        var primaryEphemeral = PairingCode.UnwrapEphemeral(code, wrappedPrimaryEphemeral);
        var shared = Curve25519.SharedSecret(Ephemeral.PrivateKey.Span, primaryEphemeral);
        var random = RandomNumberGenerator.GetBytes(32);
        var salt = RandomNumberGenerator.GetBytes(32);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, salt, "link_code_pairing_key_bundle_encryption_key"u8.ToArray());
        byte[] plaintext = [.. bundleIdentityOverride ?? Identity.PublicKey.ToArray(), .. primaryIdentity, .. random];
        var nonce = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        using (var gcm = new AesGcm(key, 16))
        {
            gcm.Encrypt(nonce, plaintext, ciphertext, tag);
        }

        var identityShared = Curve25519.SharedSecret(Identity.PrivateKey.Span, primaryIdentity);
        var advSecret = HKDF.DeriveKey(HashAlgorithmName.SHA256, [.. shared, .. identityShared, .. random], 32, [], "adv_secret"u8.ToArray());
        return ([.. salt, .. nonce, .. ciphertext, .. tag], advSecret);
    }
}
