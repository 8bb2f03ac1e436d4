using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Protocol.Tests.Pairing;

/// <summary>
/// A companion's side of pairing by code on <see cref="LinkCodeCompanionPairing"/>, shaped for the phone-side tests. The
/// independent cross-checks against Baileys live in the interop tests.
/// </summary>
internal sealed class TestLinkCodeCompanion(string code)
{
    private readonly LinkCodeCompanionHello _hello = LinkCodeCompanionPairing.Hello(code);

    public KeyPair Ephemeral => _hello.Ephemeral;

    public KeyPair Identity { get; } = Curve25519.GenerateKeyPair();

    public byte[] Hello() => _hello.WrappedEphemeral.ToArray();

    /// <summary>Returns the wrapped key bundle and the ADV secret the companion derives.</summary>
    public (byte[] WrappedBundle, byte[] AdvSecret) Finish(ReadOnlySpan<byte> wrappedPrimaryEphemeral, ReadOnlySpan<byte> primaryIdentity, byte[]? bundleIdentityOverride = null)
    {
        var finish = LinkCodeCompanionPairing.Finish(_hello, Identity, wrappedPrimaryEphemeral, primaryIdentity, bundleIdentityOverride ?? Identity.PublicKey.Span);
        return (finish.WrappedKeyBundle.ToArray(), finish.AdvSecret.ToArray());
    }
}
