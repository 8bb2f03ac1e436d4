using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Interop.Tests.Signal;

/// <summary>
/// XEdDSA signatures and signed prekeys made on each side verify on the other, and tampered ones
/// are refused by both; plus the two places where the JavaScript side does not look at a verdict.
/// libsignal-node's <c>curve.verifySignature</c> returns false for a wrong signature and throws only
/// for malformed input, so the peer reports its return value.
/// </summary>
[Trait("Category", "Interop")]
public sealed class SignatureInteropTests(SignalPeerFixture fixture) : IClassFixture<SignalPeerFixture>
{
    private readonly LibsignalNode _node = fixture.Node;

    [Fact]
    public async Task Libsignal_signatures_verify_in_csharp_and_tampered_ones_do_not()
    {
        for (var i = 0; i < 16; i++)
        {
            var message = RandomNumberGenerator.GetBytes(i * 17);
            var (publicKey, signature) = await _node.SignAsync(message);

            Assert.True(XEdDsa.Verify(publicKey, message, signature));
            Assert.False(XEdDsa.Verify(publicKey, Tamper(message, i), signature));
            Assert.False(XEdDsa.Verify(publicKey, message, Tamper(signature, i * 4)));
            Assert.False(XEdDsa.Verify(Curve25519.GenerateKeyPair().PublicKey.Span, message, signature));
        }
    }

    [Fact]
    public async Task Our_signatures_verify_in_libsignal_and_tampered_ones_are_refused_by_its_return_value()
    {
        for (var i = 0; i < 16; i++)
        {
            var key = Curve25519.GenerateKeyPair();
            var message = RandomNumberGenerator.GetBytes(1 + i * 17);
            var signature = XEdDsa.Sign(key.PrivateKey.Span, message);
            var publicKey = key.PublicKey.ToArray();

            Assert.Equal(new PeerVerdict(true, null), await _node.VerifyAsync(publicKey, message, signature));
            Assert.Equal(new PeerVerdict(false, null), await _node.VerifyAsync(publicKey, Tamper(message, i), signature));
            Assert.Equal(new PeerVerdict(false, null), await _node.VerifyAsync(publicKey, message, Tamper(signature, i * 4)));
        }
    }

    [Fact]
    public async Task Both_sides_sign_with_the_same_private_key_to_the_same_public_key()
    {
        var key = Curve25519.GenerateKeyPair();
        var message = RandomNumberGenerator.GetBytes(100);
        var (publicKey, signature) = await _node.SignAsync(message, key.PrivateKey.ToArray());

        Assert.Equal(key.PublicKey.ToArray(), publicKey);
        Assert.True(XEdDsa.Verify(key.PublicKey.Span, message, signature));
    }

    [Fact]
    public async Task Libsignal_signed_prekeys_verify_in_csharp_and_tampered_ones_do_not()
    {
        for (uint id = 1; id <= 8; id++)
        {
            var (identity, keyId, preKey, signature) = await _node.MakeSignedPreKeyAsync(id);

            Assert.Equal(id, keyId);
            Assert.True(SignedPreKeyRecord.VerifySignature(identity, preKey, signature));
            Assert.False(SignedPreKeyRecord.VerifySignature(identity, Tamper(preKey, (int)id), signature));
            Assert.False(SignedPreKeyRecord.VerifySignature(identity, preKey, Tamper(signature, (int)id * 7)));
            Assert.False(SignedPreKeyRecord.VerifySignature(Curve25519.GenerateKeyPair().PublicKey.Span, preKey, signature));
        }
    }

    [Fact]
    public async Task Our_signed_prekeys_verify_in_libsignal_over_the_type_byte_and_key_and_tampered_ones_are_refused()
    {
        for (uint id = 1; id <= 8; id++)
        {
            var identity = KeyHelper.GenerateIdentity();
            var signed = KeyHelper.GenerateSignedPreKey(identity.IdentityKey, id);
            var identityKey = identity.IdentityKey.PublicKey.ToArray();
            var serialized = SignalPublicKey.Serialize(signed.KeyPair.PublicKey.Span);
            var signature = signed.Signature.ToArray();

            Assert.True((await _node.VerifyAsync(identityKey, serialized, signature)).Valid);
            Assert.False((await _node.VerifyAsync(identityKey, signed.KeyPair.PublicKey.ToArray(), signature)).Valid);
            Assert.False((await _node.VerifyAsync(identityKey, Tamper(serialized, 1 + (int)id), signature)).Valid);
            Assert.False((await _node.VerifyAsync(identityKey, serialized, Tamper(signature, (int)id * 7))).Valid);
        }
    }

    [Fact]
    public async Task Libsignal_reports_malformed_signatures_by_throwing_which_the_peer_turns_into_a_refusal()
    {
        var key = Curve25519.GenerateKeyPair();
        var message = RandomNumberGenerator.GetBytes(32);
        var signature = XEdDsa.Sign(key.PrivateKey.Span, message);

        var verdict = await _node.VerifyAsync(key.PublicKey.ToArray(), message, signature[..63]);

        Assert.Equal(new PeerVerdict(false, "Error: Invalid signature"), verdict);
        Assert.False(XEdDsa.Verify(key.PublicKey.Span, message, signature[..63]));
    }

    /// <summary>
    /// Pins a weakness of the peer: libsignal-node's SessionBuilder.initOutgoing calls
    /// verifySignature(…, isInit = true), which returns true without checking, so it builds a session
    /// on a bundle whose signed prekey is not signed by the identity. Ours refuses such a bundle.
    /// </summary>
    [Fact]
    public async Task Libsignal_builds_a_session_on_a_bundle_with_a_forged_signed_prekey_signature_and_ours_refuses_one()
    {
        var ours = new CSharpParty();
        var genuine = ours.Bundle();
        var forged = genuine with { SignedPreKeySignature = new byte[64] };
        var theirs = await _node.InitAsync();

        await _node.ProcessBundleAsync(theirs, ours.Address, forged);
        Assert.Equal("accepted"u8.ToArray(), ours.Decrypt(theirs.Address, await _node.EncryptAsync(theirs, ours.Address, "accepted"u8.ToArray())));

        var theirBundle = await _node.BundleAsync(theirs);
        foreach (var tampered in new[]
        {
            theirBundle with { SignedPreKeySignature = Tamper(theirBundle.SignedPreKeySignature.ToArray(), 5) },
            theirBundle with { SignedPreKey = Curve25519.GenerateKeyPair().PublicKey },
            theirBundle with { IdentityKey = Curve25519.GenerateKeyPair().PublicKey },
        })
        {
            var other = new CSharpParty("csharp-other.1");
            Assert.Throws<InvalidPreKeyBundleException>(() => other.ProcessBundle(theirs.Address, tampered));
            Assert.False(other.Session(theirs.Address).HasCurrentSession);
        }
    }

    /// <summary>
    /// Pins a weakness of Baileys 7.0.0-rc14: its Curve.verify (lib/Utils/crypto.js), used for ADV
    /// account signatures and Noise certificates, returns true unless libsignal throws, i.e. for any
    /// well-formed 64-byte signature. Only malformed input is refused. If Baileys starts reading the
    /// verdict, this fails and docs/SIGNAL-INTEROP.md must change.
    /// </summary>
    [Fact]
    public async Task Baileys_curve_verify_accepts_any_well_formed_signature()
    {
        var key = Curve25519.GenerateKeyPair();
        var message = RandomNumberGenerator.GetBytes(48);
        var signature = XEdDsa.Sign(key.PrivateKey.Span, message);

        Assert.True(await _node.BaileysVerifyAsync(key.PublicKey.ToArray(), message, signature));
        Assert.True(await _node.BaileysVerifyAsync(key.PublicKey.ToArray(), message, new byte[64]));
        Assert.True(await _node.BaileysVerifyAsync(key.PublicKey.ToArray(), Tamper(message, 3), signature));
        Assert.False(await _node.BaileysVerifyAsync(key.PublicKey.ToArray(), message, signature[..63]));
    }

    private static byte[] Tamper(byte[] bytes, int position)
    {
        var copy = (byte[])bytes.Clone();
        if (copy.Length == 0)
        {
            return [0];
        }

        copy[position % copy.Length] ^= 0x10;
        return copy;
    }
}
