using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

public sealed class SessionSetupTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_session_from_a_bundle_carries_messages_both_ways(bool withOneTimePreKey)
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");

        alice.StartSessionWith(bob, withOneTimePreKey);
        var first = alice.Send("hello bob");

        Assert.Equal(CiphertextType.PreKey, first.Type);
        Assert.Equal("hello bob", bob.Receive(first));
        Assert.Equal("hello alice", alice.Receive(bob.Send("hello alice")));
        Assert.Equal("bye", bob.Receive(alice.Send("bye")));
    }

    [Fact]
    public void Either_side_can_initiate()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");

        bob.StartSessionWith(alice);

        Assert.Equal("from bob", alice.Receive(bob.Send("from bob")));
        Assert.Equal("from alice", bob.Receive(alice.Send("from alice")));
        Assert.Equal(CiphertextType.Whisper, bob.Send("again").Type);
    }

    [Fact]
    public void The_initiator_sends_prekey_messages_until_the_first_reply_decrypts()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob);

        var first = alice.Send("1");
        var second = alice.Send("2");
        Assert.Equal(CiphertextType.PreKey, second.Type);
        bob.Receive(first);
        bob.Receive(second);
        var reply = bob.Send("reply");

        Assert.Equal(CiphertextType.Whisper, reply.Type);
        Assert.Equal(CiphertextType.PreKey, alice.Send("3, before the reply arrives").Type);
        alice.Receive(reply);
        var afterReply = alice.Send("4");
        Assert.Equal(CiphertextType.Whisper, afterReply.Type);
        Assert.Equal("msg", afterReply.WireType);
        Assert.Equal("pkmsg", first.WireType);
    }

    [Fact]
    public void The_one_time_prekey_is_reported_consumed_once_and_later_prekey_messages_still_decrypt()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        var bundle = bob.Bundle();
        alice.Record = SessionBuilder.ProcessBundle(alice.Record, alice.Identity, bundle);
        var first = alice.Send("1");
        var second = alice.Send("2");

        var firstResult = SessionCipher.Decrypt(bob.Record, bob.Identity, first, bob);
        Assert.Equal(bundle.PreKeyId, firstResult.ConsumedPreKeyId);
        bob.Record = firstResult.Record;
        var emptyStore = new NoPreKeys();

        // The prekey is gone now: the second message must use the session its base key names.
        var secondResult = SessionCipher.Decrypt(bob.Record, bob.Identity, second, emptyStore);

        Assert.Null(secondResult.ConsumedPreKeyId);
        Assert.Equal("2"u8.ToArray(), secondResult.Plaintext);
        Assert.Equal(0, secondResult.Record.ArchivedSessionCount);
    }

    [Fact]
    public void A_bundle_without_a_one_time_prekey_consumes_none()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob, withOneTimePreKey: false);

        var result = SessionCipher.Decrypt(bob.Record, bob.Identity, alice.Send("hi"), bob);

        Assert.Null(result.ConsumedPreKeyId);
    }

    [Fact]
    public void Records_expose_the_peer_identity_and_registration_id()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob);
        bob.Receive(alice.Send("hi"));

        Assert.True(alice.Record.HasCurrentSession);
        Assert.Equal(bob.Identity.IdentityKey.PublicKey.ToArray(), alice.Record.RemoteIdentityKey.ToArray());
        Assert.Equal(bob.Identity.RegistrationId, alice.Record.RemoteRegistrationId);
        Assert.Equal(alice.Identity.IdentityKey.PublicKey.ToArray(), bob.Record.RemoteIdentityKey.ToArray());
        Assert.Equal(alice.Identity.RegistrationId, bob.Record.RemoteRegistrationId);
        Assert.False(SessionRecord.Empty.HasCurrentSession);
        Assert.True(SessionRecord.Empty.RemoteIdentityKey.IsEmpty);
    }

    [Fact]
    public void A_bundle_whose_signed_prekey_signature_is_wrong_is_refused()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        var bundle = bob.Bundle();
        var signature = bundle.SignedPreKeySignature.ToArray();
        signature[10] ^= 0x01;

        var error = Assert.Throws<InvalidPreKeyBundleException>(() =>
            SessionBuilder.ProcessBundle(alice.Record, alice.Identity, bundle with { SignedPreKeySignature = signature }));

        Assert.Equal(InvalidPreKeyBundleReason.BadSignedPreKeySignature, error.Reason);
    }

    [Fact]
    public void A_bundle_signed_by_another_identity_is_refused()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        var mallory = new SessionTestParty("mallory");

        var error = Assert.Throws<InvalidPreKeyBundleException>(() =>
            SessionBuilder.ProcessBundle(alice.Record, alice.Identity, bob.Bundle() with { IdentityKey = mallory.Identity.IdentityKey.PublicKey }));

        Assert.Equal(InvalidPreKeyBundleReason.BadSignedPreKeySignature, error.Reason);
    }

    [Fact]
    public void Malformed_bundles_are_refused()
    {
        var alice = new SessionTestParty("alice");
        var bundle = new SessionTestParty("bob").Bundle();

        Assert.Equal(InvalidPreKeyBundleReason.MalformedKey, Assert.Throws<InvalidPreKeyBundleException>(() =>
            SessionBuilder.ProcessBundle(alice.Record, alice.Identity, bundle with { IdentityKey = new byte[33] })).Reason);
        Assert.Equal(InvalidPreKeyBundleReason.MalformedKey, Assert.Throws<InvalidPreKeyBundleException>(() =>
            SessionBuilder.ProcessBundle(alice.Record, alice.Identity, bundle with { PreKey = null })).Reason);
        Assert.Equal(InvalidPreKeyBundleReason.MalformedKey, Assert.Throws<InvalidPreKeyBundleException>(() =>
            SessionBuilder.ProcessBundle(alice.Record, alice.Identity, bundle with { PreKey = new byte[31] })).Reason);
    }

    [Fact]
    public void A_bundle_with_a_low_order_one_time_prekey_is_refused()
    {
        var alice = new SessionTestParty("alice");
        var bundle = new SessionTestParty("bob").Bundle();

        var error = Assert.Throws<InvalidPreKeyBundleException>(() =>
            SessionBuilder.ProcessBundle(alice.Record, alice.Identity, bundle with { PreKey = new byte[32] }));

        Assert.Equal(InvalidPreKeyBundleReason.LowOrderKey, error.Reason);
    }

    [Fact]
    public void Encrypting_without_a_session_is_a_programming_error()
    {
        var alice = new SessionTestParty("alice");

        Assert.Throws<InvalidOperationException>(() => SessionCipher.Encrypt(SessionRecord.Empty, alice.Identity, "x"u8));
    }

    [Fact]
    public void A_whisper_message_without_any_session_is_NoSession()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        var carol = new SessionTestParty("carol");
        alice.StartSessionWith(bob);
        bob.Receive(alice.Send("hi"));
        var whisper = bob.Send("reply");

        var error = Assert.Throws<SignalDecryptException>(() => SessionCipher.Decrypt(SessionRecord.Empty, carol.Identity, whisper, carol));

        Assert.Equal(DecryptFailure.NoSession, error.Failure);
    }

    [Fact]
    public void A_prekey_message_naming_an_unknown_one_time_prekey_is_MissingPreKey()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob);

        var error = Assert.Throws<SignalDecryptException>(() => SessionCipher.Decrypt(bob.Record, bob.Identity, alice.Send("hi"), new SignedPreKeyOnly(bob.SignedPreKey)));

        Assert.Equal(DecryptFailure.MissingPreKey, error.Failure);
    }

    [Fact]
    public void A_prekey_message_naming_an_unknown_signed_prekey_is_MissingPreKey()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob, withOneTimePreKey: false);

        var error = Assert.Throws<SignalDecryptException>(() => SessionCipher.Decrypt(bob.Record, bob.Identity, alice.Send("hi"), new NoPreKeys()));

        Assert.Equal(DecryptFailure.MissingPreKey, error.Failure);
    }

    [Fact]
    public void A_prekey_message_for_someone_else_fails_its_MAC()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob, withOneTimePreKey: false);
        var message = alice.Send("for bob");
        var impostor = new LocalIdentity(Curve25519.GenerateKeyPair(), 7);

        var error = Assert.Throws<SignalDecryptException>(() => SessionCipher.Decrypt(SessionRecord.Empty, impostor, message, bob));

        Assert.Equal(DecryptFailure.InvalidMac, error.Failure);
    }

    [Fact]
    public void Result_and_record_strings_show_no_plaintext_or_keys()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob);
        var message = alice.Send("secret words");
        var result = SessionCipher.Decrypt(bob.Record, bob.Identity, message, bob);

        Assert.DoesNotContain("secret", result.ToString(), StringComparison.Ordinal);
        var state = result.Record.Current!;
        Assert.DoesNotContain(Convert.ToHexStringLower(state.RootKey), state.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(state.SenderRatchetPrivateKey), state.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(state.RootKey), result.Record.ToString(), StringComparison.Ordinal);
        Assert.Equal("CiphertextMessage(pkmsg, " + message.Serialized.Length + " bytes)", message.ToString());
    }

    private sealed class NoPreKeys : IPreKeySource
    {
        public PreKeyRecord? FindPreKey(uint id) => null;

        public SignedPreKeyRecord? FindSignedPreKey(uint id) => null;
    }

    private sealed class SignedPreKeyOnly(SignedPreKeyRecord signedPreKey) : IPreKeySource
    {
        public PreKeyRecord? FindPreKey(uint id) => null;

        public SignedPreKeyRecord? FindSignedPreKey(uint id) => id == signedPreKey.Id ? signedPreKey : null;
    }
}
