using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Interop.Tests.Signal;

/// <summary>
/// @signalapp/libsignal-client 0.103.0, Signal's own Rust libsignal. It no longer speaks X3DH: its
/// bundles require a Kyber prekey, it refuses version-3 PreKeySignalMessages ("X3DH no longer
/// supported"), and its sessions send version-4 (PQXDH) messages, which we (and libsignal-node)
/// refuse as an unsupported version. So no 1:1 conversation is possible; these tests pin each of
/// those refusals, use its parsers as a second reader of our wire bytes, and cross-check XEdDSA,
/// X25519 and HKDF against it as an independent implementation.
/// </summary>
[Trait("Category", "Interop")]
public sealed class LibsignalClientInteropTests(LibsignalClientPeerFixture fixture, SignalPeerFixture signal)
    : IClassFixture<LibsignalClientPeerFixture>, IClassFixture<SignalPeerFixture>
{
    private readonly LibsignalClient _client = fixture.Client;
    private readonly LibsignalNode _node = signal.Node;

    [Fact]
    public async Task Its_bundles_cannot_be_built_without_a_kyber_prekey()
    {
        var error = await _client.BundleWithoutKyberAsync(new CSharpParty().Bundle());

        Assert.Equal("TypeError: failed to downcast any to number", error);
    }

    [Fact]
    public async Task It_parses_our_prekey_message_field_by_field_and_refuses_it_because_X3DH_is_no_longer_supported()
    {
        var theirs = await _client.InitAsync();
        var ours = new CSharpParty();

        // Its bundle, minus the Kyber prekey we cannot use, is an ordinary X3DH bundle for us.
        ours.ProcessBundle(theirs.Address, theirs.Bundle);
        var message = ours.Encrypt(theirs.Address, "hello"u8.ToArray());
        var outcome = await _client.DecryptPreKeyAsync(theirs, ours.Address, message);

        Assert.Null(outcome.ParseError);
        Assert.Equal(3, outcome.Version);
        Assert.Equal(ours.Identity.RegistrationId, outcome.RegistrationId);
        Assert.Equal(theirs.Bundle.PreKeyId, outcome.PreKeyId);
        Assert.Equal(theirs.Bundle.SignedPreKeyId, outcome.SignedPreKeyId);
        Assert.False(outcome.Decrypted);
        Assert.Equal(("LibSignalError", "invalid PreKey message: X3DH no longer supported"), (outcome.ErrorName, outcome.ErrorMessage));
    }

    [Fact]
    public async Task It_parses_our_whisper_messages_as_version_3_with_our_counters()
    {
        var alice = new CSharpParty("alice.1");
        var bob = new CSharpParty("bob.1");
        alice.ProcessBundle(bob.Address, bob.Bundle());
        bob.Decrypt(alice.Address, alice.Encrypt(bob.Address, [1]));

        for (uint counter = 0; counter < 5; counter++)
        {
            var message = bob.Encrypt(alice.Address, [2]);
            Assert.Equal(CiphertextType.Whisper, message.Type);
            Assert.Equal((3, counter, (string?)null), await _client.ParseSignalMessageAsync(message.Serialized));
        }
    }

    [Fact]
    public async Task Its_sessions_send_version_4_prekey_messages_which_we_and_libsignal_node_refuse_as_an_unsupported_version()
    {
        var ours = new CSharpParty();
        var (kyberHandle, kyberPublicKey) = await _client.KyberKeyPairAsync();

        // It checks both signatures in our bundle with our identity key: our signed prekey's, and our
        // XEdDSA signature over the serialized Kyber key, so getting this far is a verification too.
        var kyberSignature = XEdDsa.Sign(ours.Identity.IdentityKey.PrivateKey.Span, kyberPublicKey);
        var message = await _client.InitiateAsync(ours.Bundle(), kyberHandle, 77, kyberSignature, "post-quantum"u8.ToArray());

        Assert.Equal(CiphertextType.PreKey, message.Type);
        Assert.Equal(0x44, message.Serialized[0]);
        Assert.True(message.Serialized.Length > 1568, "an ML-KEM-1024 ciphertext alone is 1,568 bytes");
        var refusal = Assert.Throws<SignalDecryptException>(() => ours.Decrypt("client.1", message));
        Assert.Equal(DecryptFailure.UnsupportedVersion, refusal.Failure);
        Assert.False(ours.Session("client.1").HasCurrentSession);
        Assert.Equal(3, ours.RemainingPreKeys.Count);

        var theirs = await _node.InitAsync();
        var libsignalNode = await _node.DecryptManyAsync(theirs, "client.1", [message]);
        Assert.Equal(("Error", "Incompatible version number on PreKeyWhisperMessage"), (libsignalNode[0].ErrorName, libsignalNode[0].ErrorMessage));
    }

    [Fact]
    public async Task Its_signatures_verify_in_csharp_and_ours_in_it_and_tampered_ones_are_refused_by_both()
    {
        for (var i = 0; i < 12; i++)
        {
            var message = RandomNumberGenerator.GetBytes(i * 23);
            var (theirPublic, theirSignature) = await _client.SignAsync(message);
            Assert.True(XEdDsa.Verify(theirPublic, message, theirSignature));
            Assert.False(XEdDsa.Verify(theirPublic, message, Tamper(theirSignature, i * 5)));

            var key = Curve25519.GenerateKeyPair();
            var ourSignature = XEdDsa.Sign(key.PrivateKey.Span, message);
            Assert.Equal(new PeerVerdict(true, null), await _client.VerifyAsync(key.PublicKey.ToArray(), message, ourSignature));
            Assert.Equal(new PeerVerdict(false, null), await _client.VerifyAsync(key.PublicKey.ToArray(), message, Tamper(ourSignature, i * 5)));
            Assert.Equal(new PeerVerdict(false, null), await _client.VerifyAsync(key.PublicKey.ToArray(), Tamper(message, i), ourSignature));
        }
    }

    [Fact]
    public async Task Our_keys_give_the_same_public_keys_shared_secrets_and_signatures_in_it()
    {
        for (var i = 0; i < 12; i++)
        {
            var ours = Curve25519.GenerateKeyPair();
            var other = Curve25519.GenerateKeyPair();
            var message = RandomNumberGenerator.GetBytes(40);

            Assert.Equal(ours.PublicKey.ToArray(), await _client.PublicKeyOfAsync(ours.PrivateKey.ToArray()));
            Assert.Equal(Curve25519.SharedSecret(ours.PrivateKey.Span, other.PublicKey.Span), await _client.AgreeAsync(ours.PrivateKey.ToArray(), other.PublicKey.ToArray()));
            var (publicKey, signature) = await _client.SignAsync(message, ours.PrivateKey.ToArray());
            Assert.Equal(ours.PublicKey.ToArray(), publicKey);
            Assert.True(XEdDsa.Verify(ours.PublicKey.Span, message, signature));
        }
    }

    [Theory]
    [InlineData(32, "WhisperRatchet", true)]
    [InlineData(64, "WhisperText", false)]
    [InlineData(80, "WhisperMessageKeys", false)]
    [InlineData(48, "WhisperGroup", false)]
    [InlineData(100, "", true)]
    public async Task Our_hkdf_matches_its_hkdf(int length, string info, bool withSalt)
    {
        for (var i = 0; i < 8; i++)
        {
            var inputKeyMaterial = RandomNumberGenerator.GetBytes(1 + i * 19);
            var salt = withSalt ? RandomNumberGenerator.GetBytes(32) : null;
            var infoBytes = System.Text.Encoding.ASCII.GetBytes(info);
            var expected = new byte[length];
            Hkdf.DeriveSha256(inputKeyMaterial, salt ?? [], infoBytes, expected);

            Assert.Equal(expected, await _client.HkdfAsync(length, inputKeyMaterial, infoBytes, salt));
        }
    }

    [Fact]
    public async Task Its_sender_key_messages_are_a_different_wire_format_from_whatsapps_and_each_side_refuses_the_others()
    {
        // Signal's SenderKeyDistributionMessage starts with a distribution UUID (field 1, bytes) where
        // WhatsApp's has the key id (field 1, varint); neither parser accepts the other's.
        var ours = new CSharpParty();
        Assert.Equal("LibSignalError: protobuf encoding was invalid", await _client.ParseSenderKeyDistributionAsync(ours.GroupCreate("g@g.us")));

        var theirs = await _client.SenderKeyDistributionAsync();
        Assert.Null(await _client.ParseSenderKeyDistributionAsync(theirs));
        var refusal = Assert.Throws<SignalDecryptException>(() => ours.GroupProcess("g@g.us", "client-sender.1", theirs));
        Assert.Equal(DecryptFailure.InvalidMessage, refusal.Failure);
        Assert.True(ours.SenderKey("g@g.us", "client-sender.1").IsEmpty);
    }

    private static byte[] Tamper(byte[] bytes, int position)
    {
        var copy = (byte[])bytes.Clone();
        if (copy.Length == 0)
        {
            return [0];
        }

        copy[position % copy.Length] ^= 0x08;
        return copy;
    }
}
