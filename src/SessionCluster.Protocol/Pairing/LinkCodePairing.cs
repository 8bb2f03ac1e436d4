using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Pairing;

// Public API (the phone's side of link_code_companion_reg, docs/PROTOCOL.md §6 "Pairing by phone-number code"):
//   LinkCodePrimaryHello LinkCodePairing.AnswerCompanionHello(AccountIdentity account, string code,
//                                                             ReadOnlySpan<byte> wrappedCompanionEphemeral)
//       input:  <link_code_pairing_wrapped_companion_ephemeral_pub> of the companion_hello (80 bytes)
//       output: .WrappedPrimaryEphemeral  -> <link_code_pairing_wrapped_primary_ephemeral_pub> of the notification
//               .PrimaryIdentityPublicKey -> <primary_identity_pub> of the notification (= account.PublicKey)
//       keep the LinkCodePrimaryHello (it holds the phone's ephemeral private key) until companion_finish
//   LinkCodePairingResult LinkCodePairing.Finish(AccountIdentity account, LinkCodePrimaryHello hello,
//                                                ReadOnlySpan<byte> wrappedKeyBundle, ReadOnlySpan<byte> companionIdentityPublic)
//       input:  <link_code_pairing_wrapped_key_bundle> and <companion_identity_public> of the companion_finish
//       output: .CompanionIdentityPublicKey, .AdvSecret -> PairSuccess.IssueDeviceIdentity(account, key, advSecret, keyIndex, now)
//   both throw PairingCodeException (PairingCodeFailure says why); a wrong code surfaces in Finish as KeyBundleDecryptionFailed

/// <summary>The phone's state between the companion's hello and its finish.</summary>
public sealed record LinkCodePrimaryHello
{
    internal LinkCodePrimaryHello(byte[] companionEphemeralPublicKey, KeyPair primaryEphemeral, byte[] wrappedPrimaryEphemeral, byte[] primaryIdentityPublicKey)
    {
        CompanionEphemeralPublicKey = companionEphemeralPublicKey;
        PrimaryEphemeral = primaryEphemeral;
        WrappedPrimaryEphemeral = wrappedPrimaryEphemeral;
        PrimaryIdentityPublicKey = primaryIdentityPublicKey;
    }

    /// <summary>The companion's ephemeral public key as unwrapped with the code the phone was given.</summary>
    public ReadOnlyMemory<byte> CompanionEphemeralPublicKey { get; }

    /// <summary>The phone's ephemeral key pair for this exchange.</summary>
    public KeyPair PrimaryEphemeral { get; }

    /// <summary>The content of <c>link_code_pairing_wrapped_primary_ephemeral_pub</c> (80 bytes).</summary>
    public ReadOnlyMemory<byte> WrappedPrimaryEphemeral { get; }

    /// <summary>The content of <c>primary_identity_pub</c>: the account's identity public key.</summary>
    public ReadOnlyMemory<byte> PrimaryIdentityPublicKey { get; }

    /// <summary>Names no key material.</summary>
    public override string ToString() => "LinkCodePrimaryHello";
}

/// <summary>What pairing by code established: the companion's identity key and the ADV secret both sides derived.</summary>
public sealed record LinkCodePairingResult(ReadOnlyMemory<byte> CompanionIdentityPublicKey, ReadOnlyMemory<byte> AdvSecret)
{
    /// <summary>Names the companion's identity key only.</summary>
    public override string ToString() => $"LinkCodePairingResult(companion identity {Convert.ToHexStringLower(CompanionIdentityPublicKey.Span)})";
}

/// <summary>The primary phone's half of pairing by code, mirroring what Baileys does as the companion.</summary>
/// <remarks>
/// Companion (Baileys messages-recv.js, link_code_companion_reg notification) after unwrapping the phone's ephemeral:
/// shared = X25519(companionEph, primaryEph); bundleKey = HKDF(shared, salt = random32, "link_code_pairing_key_bundle_encryption_key");
/// bundle = salt || nonce12 || AES-256-GCM(bundleKey, nonce, no AAD, companionIdentity || primaryIdentity || random32);
/// advSecret = HKDF(shared || X25519(companionIdentity, primaryIdentity) || random32, no salt, "adv_secret").
/// The phone computes the same shared secrets from its side (X25519 is symmetric) and reads random32 from the bundle.
/// </remarks>
public static class LinkCodePairing
{
    /// <summary>salt(32) || nonce(12) || AES-GCM(96 bytes) with its 16-byte tag.</summary>
    public const int WrappedKeyBundleLength = PairingCode.SaltLength + NonceLength + BundleLength + TagLength;

    /// <summary>companionIdentity(32) || primaryIdentity(32) || random(32).</summary>
    internal const int BundleLength = 96;

    internal const int NonceLength = 12;

    internal const int TagLength = 16;

    private static ReadOnlySpan<byte> BundleKeyInfo => "link_code_pairing_key_bundle_encryption_key"u8;

    private static ReadOnlySpan<byte> AdvSecretInfo => "adv_secret"u8;

    /// <summary>Unwraps the companion's ephemeral key with <paramref name="code"/> and wraps a fresh one of the phone's.</summary>
    /// <exception cref="PairingCodeException">Invalid code, or the wrapped key is not 80 bytes.</exception>
    public static LinkCodePrimaryHello AnswerCompanionHello(AccountIdentity account, string code, ReadOnlySpan<byte> wrappedCompanionEphemeral)
    {
        ArgumentNullException.ThrowIfNull(account);
        var normalized = PairingCode.Normalize(code);
        var companionEphemeral = PairingCode.UnwrapEphemeral(normalized, wrappedCompanionEphemeral);
        var primaryEphemeral = Curve25519.GenerateKeyPair();
        var wrapped = PairingCode.WrapEphemeral(normalized, primaryEphemeral.PublicKey.Span);
        return new LinkCodePrimaryHello(companionEphemeral, primaryEphemeral, wrapped, account.PublicKey.ToArray());
    }

    /// <summary>Decrypts the companion's key bundle, checks the identities in it, and derives the ADV secret.</summary>
    /// <exception cref="PairingCodeException">Malformed or undecryptable bundle (wrong code), or mismatched identities.</exception>
    public static LinkCodePairingResult Finish(AccountIdentity account, LinkCodePrimaryHello hello, ReadOnlySpan<byte> wrappedKeyBundle, ReadOnlySpan<byte> companionIdentityPublic)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(hello);
        if (wrappedKeyBundle.Length != WrappedKeyBundleLength)
        {
            throw new PairingCodeException(PairingCodeFailure.MalformedKeyBundle, $"a wrapped key bundle is {WrappedKeyBundleLength} bytes, not {wrappedKeyBundle.Length}.");
        }

        if (companionIdentityPublic.Length != Curve25519.KeySize)
        {
            throw new PairingCodeException(PairingCodeFailure.InvalidPublicKey, "companion_identity_public is not 32 bytes.");
        }

        var shared = Agree(hello.PrimaryEphemeral.PrivateKey.Span, hello.CompanionEphemeralPublicKey.Span, "the companion's ephemeral key");
        Span<byte> bundleKey = stackalloc byte[32];
        DeriveBundleKey(shared, wrappedKeyBundle[..PairingCode.SaltLength], bundleKey);

        var bundle = new byte[BundleLength];
        try
        {
            using var gcm = new AesGcm(bundleKey, TagLength);
            gcm.Decrypt(
                wrappedKeyBundle.Slice(PairingCode.SaltLength, NonceLength),
                wrappedKeyBundle.Slice(PairingCode.SaltLength + NonceLength, BundleLength),
                wrappedKeyBundle[^TagLength..],
                bundle);
        }
        catch (AuthenticationTagMismatchException e)
        {
            CryptographicOperations.ZeroMemory(shared);
            throw new PairingCodeException(PairingCodeFailure.KeyBundleDecryptionFailed, "the key bundle does not decrypt: the companion used another code, or the bundle was altered.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bundleKey);
        }

        if (!CryptographicOperations.FixedTimeEquals(bundle.AsSpan(0, 32), companionIdentityPublic)
            || !CryptographicOperations.FixedTimeEquals(bundle.AsSpan(32, 32), account.PublicKey.Span))
        {
            CryptographicOperations.ZeroMemory(shared);
            throw new PairingCodeException(PairingCodeFailure.IdentityMismatch, "the key bundle names another companion or primary identity.");
        }

        var identityShared = Agree(account.IdentityKey.PrivateKey.Span, companionIdentityPublic, "the companion's identity key");
        var advSecret = DeriveAdvSecret(shared, identityShared, bundle.AsSpan(64, 32));
        CryptographicOperations.ZeroMemory(shared);
        CryptographicOperations.ZeroMemory(identityShared);
        CryptographicOperations.ZeroMemory(bundle);
        return new LinkCodePairingResult(companionIdentityPublic.ToArray(), advSecret);
    }

    /// <summary>HKDF-SHA256(shared, salt, "link_code_pairing_key_bundle_encryption_key"): the AES-GCM key of the bundle.</summary>
    internal static void DeriveBundleKey(ReadOnlySpan<byte> shared, ReadOnlySpan<byte> salt, Span<byte> bundleKey) =>
        Hkdf.DeriveSha256(shared, salt, BundleKeyInfo, bundleKey);

    /// <summary>HKDF-SHA256(ephemeral shared || identity shared || bundle random, no salt, "adv_secret"), 32 bytes.</summary>
    internal static byte[] DeriveAdvSecret(ReadOnlySpan<byte> shared, ReadOnlySpan<byte> identityShared, ReadOnlySpan<byte> random)
    {
        var material = new byte[shared.Length + identityShared.Length + random.Length];
        shared.CopyTo(material);
        identityShared.CopyTo(material.AsSpan(shared.Length));
        random.CopyTo(material.AsSpan(shared.Length + identityShared.Length));
        var advSecret = new byte[32];
        Hkdf.DeriveSha256(material, [], AdvSecretInfo, advSecret);
        CryptographicOperations.ZeroMemory(material);
        return advSecret;
    }

    /// <summary>X25519; a low-order point is a <see cref="PairingCodeFailure.InvalidPublicKey"/>.</summary>
    internal static byte[] Agree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey, string what)
    {
        try
        {
            return Curve25519.SharedSecret(privateKey, publicKey);
        }
        catch (CryptographicException e)
        {
            throw new PairingCodeException(PairingCodeFailure.InvalidPublicKey, $"Diffie-Hellman with {what} failed (a low-order point).", e);
        }
    }
}
