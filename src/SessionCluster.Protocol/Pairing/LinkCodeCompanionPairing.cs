using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Pairing;

/// <summary>The companion's state between its companion_hello and its companion_finish.</summary>
public sealed record LinkCodeCompanionHello
{
    internal LinkCodeCompanionHello(string code, KeyPair ephemeral, byte[] wrappedEphemeral)
    {
        Code = code;
        Ephemeral = ephemeral;
        WrappedEphemeral = wrappedEphemeral;
    }

    /// <summary>The content of <c>link_code_pairing_wrapped_companion_ephemeral_pub</c> (80 bytes).</summary>
    public ReadOnlyMemory<byte> WrappedEphemeral { get; }

    /// <summary>The companion's ephemeral key pair for this exchange.</summary>
    public KeyPair Ephemeral { get; }

    internal string Code { get; }

    /// <summary>Names neither the code nor key material.</summary>
    public override string ToString() => "LinkCodeCompanionHello";
}

/// <summary>What the companion sends in companion_finish, and the ADV secret it derived (its pair-success HMAC key).</summary>
public sealed record LinkCodeCompanionFinish(ReadOnlyMemory<byte> WrappedKeyBundle, ReadOnlyMemory<byte> AdvSecret)
{
    /// <summary>Names no key material.</summary>
    public override string ToString() => "LinkCodeCompanionFinish";
}

/// <summary>
/// The companion's half of pairing by code (Baileys requestPairingCode and its link_code_companion_reg notification
/// handler); the phone's half is <see cref="LinkCodePairing"/>.
/// </summary>
public static class LinkCodeCompanionPairing
{
    /// <summary>The system CSPRNG, for the overloads that take no source (thread-safe).</summary>
    private static readonly RandomNumberGenerator SystemRandom = RandomNumberGenerator.Create();

    /// <summary>A fresh ephemeral key pair wrapped with the code the companion shows.</summary>
    /// <exception cref="PairingCodeException">The code is not 8 characters of <see cref="PairingCode.Alphabet"/>.</exception>
    public static LinkCodeCompanionHello Hello(string code)
    {
        var normalized = PairingCode.Normalize(code);
        var ephemeral = Curve25519.GenerateKeyPair();
        return new LinkCodeCompanionHello(normalized, ephemeral, PairingCode.WrapEphemeral(normalized, ephemeral.PublicKey.Span));
    }

    /// <summary><see cref="Hello(string)"/> with the ephemeral key, salt and IV drawn from <paramref name="random"/>.</summary>
    /// <exception cref="PairingCodeException">The code is not 8 characters of <see cref="PairingCode.Alphabet"/>.</exception>
    public static LinkCodeCompanionHello Hello(string code, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var normalized = PairingCode.Normalize(code);
        var ephemeral = Curve25519.GenerateKeyPair(random);
        return new LinkCodeCompanionHello(normalized, ephemeral, PairingCode.WrapEphemeral(normalized, ephemeral.PublicKey.Span, random));
    }

    /// <summary>
    /// Answers the phone's notification: unwraps its ephemeral, encrypts companionIdentity || primaryIdentity || random32
    /// under the shared secret, and derives the ADV secret.
    /// </summary>
    /// <param name="wrappedPrimaryEphemeral">The notification's <c>link_code_pairing_wrapped_primary_ephemeral_pub</c>.</param>
    /// <param name="primaryIdentityPublic">The notification's <c>primary_identity_pub</c>.</param>
    /// <exception cref="PairingCodeException">A wrapped key or public key of the wrong size, or a low-order point.</exception>
    public static LinkCodeCompanionFinish Finish(LinkCodeCompanionHello hello, KeyPair identity, ReadOnlySpan<byte> wrappedPrimaryEphemeral, ReadOnlySpan<byte> primaryIdentityPublic)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return Finish(hello, identity, wrappedPrimaryEphemeral, primaryIdentityPublic, identity.PublicKey.Span, SystemRandom);
    }

    /// <summary>
    /// <see cref="Finish(LinkCodeCompanionHello, KeyPair, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> with the bundle's
    /// salt, nonce and random 32 bytes (an input of the ADV secret) drawn from <paramref name="random"/>.
    /// </summary>
    /// <exception cref="PairingCodeException">A wrapped key or public key of the wrong size, or a low-order point.</exception>
    public static LinkCodeCompanionFinish Finish(LinkCodeCompanionHello hello, KeyPair identity, ReadOnlySpan<byte> wrappedPrimaryEphemeral, ReadOnlySpan<byte> primaryIdentityPublic, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(random);
        return Finish(hello, identity, wrappedPrimaryEphemeral, primaryIdentityPublic, identity.PublicKey.Span, random);
    }

    /// <summary><see cref="Finish(LinkCodeCompanionHello, KeyPair, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> naming another identity in the bundle (tests of the phone's check).</summary>
    internal static LinkCodeCompanionFinish Finish(LinkCodeCompanionHello hello, KeyPair identity, ReadOnlySpan<byte> wrappedPrimaryEphemeral, ReadOnlySpan<byte> primaryIdentityPublic, ReadOnlySpan<byte> bundledIdentity) =>
        Finish(hello, identity, wrappedPrimaryEphemeral, primaryIdentityPublic, bundledIdentity, SystemRandom);

    private static LinkCodeCompanionFinish Finish(LinkCodeCompanionHello hello, KeyPair identity, ReadOnlySpan<byte> wrappedPrimaryEphemeral, ReadOnlySpan<byte> primaryIdentityPublic, ReadOnlySpan<byte> bundledIdentity, RandomNumberGenerator random)
    {
        ArgumentNullException.ThrowIfNull(hello);
        ArgumentNullException.ThrowIfNull(identity);
        if (primaryIdentityPublic.Length != Curve25519.KeySize || bundledIdentity.Length != Curve25519.KeySize)
        {
            throw new PairingCodeException(PairingCodeFailure.InvalidPublicKey, "an identity public key is not 32 bytes.");
        }

        var primaryEphemeral = PairingCode.UnwrapEphemeral(hello.Code, wrappedPrimaryEphemeral);
        var shared = LinkCodePairing.Agree(hello.Ephemeral.PrivateKey.Span, primaryEphemeral, "the phone's ephemeral key");
        var identityShared = LinkCodePairing.Agree(identity.PrivateKey.Span, primaryIdentityPublic, "the phone's identity key");

        var wrapped = new byte[LinkCodePairing.WrappedKeyBundleLength];
        var salt = wrapped.AsSpan(0, PairingCode.SaltLength);
        var nonce = wrapped.AsSpan(PairingCode.SaltLength, LinkCodePairing.NonceLength);
        random.GetBytes(salt);
        random.GetBytes(nonce);

        var bundle = new byte[LinkCodePairing.BundleLength];
        bundledIdentity.CopyTo(bundle);
        primaryIdentityPublic.CopyTo(bundle.AsSpan(32));
        random.GetBytes(bundle.AsSpan(64));

        Span<byte> bundleKey = stackalloc byte[32];
        LinkCodePairing.DeriveBundleKey(shared, salt, bundleKey);
        using (var gcm = new AesGcm(bundleKey, LinkCodePairing.TagLength))
        {
            gcm.Encrypt(
                nonce,
                bundle,
                wrapped.AsSpan(PairingCode.SaltLength + LinkCodePairing.NonceLength, LinkCodePairing.BundleLength),
                wrapped.AsSpan(wrapped.Length - LinkCodePairing.TagLength));
        }

        var advSecret = LinkCodePairing.DeriveAdvSecret(shared, identityShared, bundle.AsSpan(64));
        CryptographicOperations.ZeroMemory(bundleKey);
        CryptographicOperations.ZeroMemory(bundle);
        CryptographicOperations.ZeroMemory(shared);
        CryptographicOperations.ZeroMemory(identityShared);
        return new LinkCodeCompanionFinish(wrapped, advSecret);
    }
}
