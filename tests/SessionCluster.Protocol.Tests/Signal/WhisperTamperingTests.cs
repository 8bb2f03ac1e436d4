using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>
/// Every bit of a ciphertext flipped in turn: each change is a typed <see cref="SignalDecryptException"/>
/// (or, for the unauthenticated registration id of a PreKeyWhisperMessage, the same plaintext), and the
/// record passed in still decrypts the untouched message afterwards.
/// </summary>
public sealed class WhisperTamperingTests
{
    private const int RegistrationIdField = 5;
    private const int SignedPreKeyIdField = 6;

    [Fact]
    public void Every_flipped_bit_of_a_whisper_message_on_a_known_chain_is_a_typed_failure()
    {
        var (alice, bob) = RatchetConversationTests.Established();
        alice.Send("advance the counter past 0");
        var message = alice.Send("tamper with me");

        AssertEveryBitFlipFails(bob, message, mayStillDecrypt: []);
    }

    [Fact]
    public void Every_flipped_bit_of_a_whisper_message_that_starts_a_new_chain_is_a_typed_failure()
    {
        var (alice, bob) = RatchetConversationTests.Established();
        bob.Receive(alice.Send("x"));
        alice.Receive(bob.Send("make alice ratchet"));
        var message = alice.Send("first on a new chain");

        AssertEveryBitFlipFails(bob, message, mayStillDecrypt: []);
    }

    [Fact]
    public void Every_flipped_bit_of_a_prekey_message_is_a_typed_failure_except_the_registration_id()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob);
        var message = alice.Send("tamper with me");
        Assert.Equal(CiphertextType.PreKey, message.Type);

        AssertEveryBitFlipFails(bob, message, mayStillDecrypt: [VarintValue(message.Serialized, RegistrationIdField)]);
    }

    /// <summary>
    /// When a session with the message's base key exists, only the inner WhisperMessage matters (as in
    /// libsignal-node and libsignal): the prekey ids and the registration id are not looked at.
    /// </summary>
    [Fact]
    public void Every_flipped_bit_of_a_repeated_prekey_message_for_an_existing_session_is_a_typed_failure_except_its_unused_ids()
    {
        var alice = new SessionTestParty("alice");
        var bob = new SessionTestParty("bob");
        alice.StartSessionWith(bob, withOneTimePreKey: false);
        bob.Receive(alice.Send("first"));
        var message = alice.Send("second, same base key");

        AssertEveryBitFlipFails(bob, message, mayStillDecrypt: [VarintValue(message.Serialized, RegistrationIdField), VarintValue(message.Serialized, SignedPreKeyIdField)]);
    }

    [Theory]
    [InlineData(0x23)]
    [InlineData(0x32)]
    [InlineData(0x34)]
    [InlineData(0x43)]
    [InlineData(0x00)]
    public void A_version_byte_other_than_0x33_is_UnsupportedVersion(byte version)
    {
        var (alice, bob) = RatchetConversationTests.Established();
        var whisper = alice.Send("w").Serialized;
        whisper[0] = version;
        var fresh = new SessionTestParty("carol");
        fresh.StartSessionWith(bob);
        var preKey = fresh.Send("p").Serialized;
        preKey[0] = version;

        Assert.Equal(DecryptFailure.UnsupportedVersion, Assert.Throws<SignalDecryptException>(() => bob.Receive(new CiphertextMessage(CiphertextType.Whisper, whisper))).Failure);
        Assert.Equal(DecryptFailure.UnsupportedVersion, Assert.Throws<SignalDecryptException>(() => bob.Receive(new CiphertextMessage(CiphertextType.PreKey, preKey))).Failure);
    }

    [Fact]
    public void Every_truncation_and_an_empty_message_are_typed_failures()
    {
        var (alice, bob) = RatchetConversationTests.Established();
        var whisper = alice.Send("truncate me");
        var carol = new SessionTestParty("carol");
        carol.StartSessionWith(bob);
        var preKey = carol.Send("truncate me too");

        foreach (var message in new[] { whisper, preKey })
        {
            for (var length = 0; length < message.Serialized.Length; length++)
            {
                var truncated = message with { Serialized = message.Serialized[..length] };
                Assert.IsType<SignalDecryptException>(Record.Exception(() => SessionCipher.Decrypt(bob.Record, bob.Identity, truncated, bob)));
            }
        }

        Assert.Equal(DecryptFailure.InvalidMessage, Assert.Throws<SignalDecryptException>(() => bob.Receive(new CiphertextMessage(CiphertextType.Whisper, []))).Failure);
    }

    [Fact]
    public void A_wrong_MAC_is_InvalidMac()
    {
        var (alice, bob) = RatchetConversationTests.Established();
        var message = alice.Send("mac");
        message.Serialized[^1] ^= 0x01;

        Assert.Equal(DecryptFailure.InvalidMac, Assert.Throws<SignalDecryptException>(() => bob.Receive(message)).Failure);
    }

    [Fact]
    public void A_message_of_the_wrong_type_is_a_typed_failure()
    {
        var (alice, bob) = RatchetConversationTests.Established();
        var whisper = alice.Send("typed as pkmsg");

        Assert.IsType<SignalDecryptException>(Record.Exception(() => bob.Receive(whisper with { Type = CiphertextType.PreKey })));
        Assert.IsType<SignalDecryptException>(Record.Exception(() => bob.Receive(whisper with { Type = (CiphertextType)9 })));
        Assert.Equal("typed as pkmsg", bob.Receive(whisper));
    }

    private static void AssertEveryBitFlipFails(SessionTestParty receiver, CiphertextMessage message, Range[] mayStillDecrypt)
    {
        var original = receiver.Record;
        var originalBytes = original.Serialize();
        var expected = SessionCipher.Decrypt(original, receiver.Identity, message, receiver).Plaintext;
        for (var position = 0; position < message.Serialized.Length; position++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var tampered = (byte[])message.Serialized.Clone();
                tampered[position] ^= (byte)(1 << bit);
                var outcome = Record.Exception(() =>
                {
                    var result = SessionCipher.Decrypt(original, receiver.Identity, message with { Serialized = tampered }, receiver);
                    if (!Array.Exists(mayStillDecrypt, range => position >= range.Start.Value && position < range.End.Value) || !result.Plaintext.AsSpan().SequenceEqual(expected))
                    {
                        throw new InvalidOperationException($"Flipping bit {bit} of byte {position} still decrypted.");
                    }
                });
                if (outcome is not null and not SignalDecryptException)
                {
                    Assert.Fail($"Flipping bit {bit} of byte {position}: {outcome.GetType().Name}: {outcome.Message}");
                }
            }
        }

        Assert.Equal(originalBytes, original.Serialize());
        Assert.Equal(expected, SessionCipher.Decrypt(original, receiver.Identity, message, receiver).Plaintext);
    }

    /// <summary>Where a varint field's value sits in a PreKeyWhisperMessage.</summary>
    private static Range VarintValue(byte[] serialized, int field)
    {
        var position = 1;
        while (position < serialized.Length)
        {
            var tag = ReadVarint(serialized, ref position);
            var start = position;
            if ((tag & 7) == 0)
            {
                ReadVarint(serialized, ref position);
                if ((int)(tag >> 3) == field)
                {
                    return start..position;
                }
            }
            else
            {
                var length = (int)ReadVarint(serialized, ref position);
                position += length;
            }
        }

        throw new InvalidOperationException($"No field {field} in the message.");
    }

    private static ulong ReadVarint(byte[] bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
