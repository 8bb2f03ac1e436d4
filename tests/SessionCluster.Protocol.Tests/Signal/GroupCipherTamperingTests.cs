using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Signal.SenderKeyProto;

namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>Whatever is done to a SenderKeyMessage, decryption refuses it with a typed error and changes nothing.</summary>
public sealed class GroupCipherTamperingTests
{
    private readonly GroupMember _sender;
    private readonly GroupMember _receiver;
    private readonly byte[] _message;

    public GroupCipherTamperingTests()
    {
        _sender = GroupMember.NewSender(out var distribution);
        _receiver = GroupMember.NewReceiver(distribution);
        _message = _sender.Send("a group message long enough for two blocks");
    }

    [Fact]
    public void Every_flipped_byte_is_refused_and_the_untampered_message_still_decrypts()
    {
        var failures = new HashSet<DecryptFailure>();
        foreach (var mask in new byte[] { 0x01, 0x80, 0xFF })
        {
            for (var i = 0; i < _message.Length; i++)
            {
                var tampered = (byte[])_message.Clone();
                tampered[i] ^= mask;
                var error = Assert.Throws<SignalDecryptException>(() => GroupCipher.Decrypt(_receiver.Record, tampered));
                failures.Add(error.Failure);
            }
        }

        // Most flips break the signature; some break the version, the protobuf or the key id first.
        Assert.Contains(DecryptFailure.InvalidMac, failures);
        Assert.Contains(DecryptFailure.UnsupportedVersion, failures);
        Assert.Subset(new HashSet<DecryptFailure> { DecryptFailure.InvalidMac, DecryptFailure.UnsupportedVersion, DecryptFailure.InvalidMessage, DecryptFailure.NoSession }, failures);
        Assert.Equal("a group message long enough for two blocks", _receiver.Receive(_message));
    }

    [Fact]
    public void A_tampered_signature_is_InvalidMac()
    {
        for (var i = _message.Length - XEdDsa.SignatureSize; i < _message.Length; i++)
        {
            var tampered = (byte[])_message.Clone();
            tampered[i] ^= 0x40;
            _receiver.Refuses(tampered, DecryptFailure.InvalidMac);
        }

        var zeroed = (byte[])_message.Clone();
        zeroed.AsSpan(_message.Length - XEdDsa.SignatureSize).Clear();
        _receiver.Refuses(zeroed, DecryptFailure.InvalidMac);
    }

    [Fact]
    public void A_valid_signature_by_another_key_is_InvalidMac()
    {
        var forger = Curve25519.GenerateKeyPair();
        var forged = (byte[])_message.Clone();
        var signed = forged.AsSpan(0, forged.Length - XEdDsa.SignatureSize);
        XEdDsa.Sign(forger.PrivateKey.Span, signed).CopyTo(forged.AsSpan(signed.Length));

        _receiver.Refuses(forged, DecryptFailure.InvalidMac);
    }

    [Fact]
    public void A_signed_message_whose_ciphertext_does_not_decrypt_is_InvalidMac()
    {
        var state = _sender.Record.Newest!;
        Span<byte> seed = stackalloc byte[32];
        Span<byte> messageKey = stackalloc byte[SenderKeyChain.MessageKeySize];
        SenderKeyChain.MessageKeySeed(state.ChainKey, seed);
        SenderKeyChain.MessageKey(seed, messageKey);

        // Right key, wrong padding: the last plaintext byte is 0, which PKCS7 never produces.
        using var aes = Aes.Create();
        aes.SetKey(messageKey[16..]);
        var badPadding = aes.EncryptCbc(new byte[32], messageKey[..16], PaddingMode.None);
        _receiver.Refuses(Signed(state, badPadding), DecryptFailure.InvalidMac);

        // Not a whole number of blocks, and empty.
        _receiver.Refuses(Signed(state, new byte[15]), DecryptFailure.InvalidMac);
        _receiver.Refuses(Signed(state, []), DecryptFailure.InvalidMac);
    }

    [Fact]
    public void Every_truncation_is_refused_with_a_typed_error()
    {
        for (var length = 0; length < _message.Length; length++)
        {
            var error = Assert.Throws<SignalDecryptException>(() => GroupCipher.Decrypt(_receiver.Record, _message.AsSpan(0, length)));
            Assert.NotEqual(DecryptFailure.DuplicateMessage, error.Failure);
        }
    }

    [Fact]
    public void Random_bytes_are_refused_with_typed_errors()
    {
        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var garbage = new byte[random.Next(0, 200)];
            random.NextBytes(garbage);
            if (garbage.Length > 0 && random.Next(2) == 0)
            {
                garbage[0] = SenderKeyMessage.VersionByte;
            }

            Assert.Throws<SignalDecryptException>(() => GroupCipher.Decrypt(_receiver.Record, garbage));
        }
    }

    [Theory]
    [InlineData(0x23)]
    [InlineData(0x43)]
    [InlineData(0x00)]
    public void A_version_other_than_3_is_UnsupportedVersion(byte version)
    {
        var other = (byte[])_message.Clone();
        other[0] = version;
        _receiver.Refuses(other, DecryptFailure.UnsupportedVersion);
    }

    /// <summary>A message at the state's current iteration carrying <paramref name="ciphertext"/>, properly signed.</summary>
    private static byte[] Signed(SenderKeyState state, byte[] ciphertext)
    {
        var body = new SenderKeyMessageBody
        {
            Id = state.KeyId,
            Iteration = state.Iteration,
            Ciphertext = ByteString.CopyFrom(ciphertext),
        };
        byte[] signed = [SenderKeyMessage.VersionByte, .. body.ToByteArray()];
        return [.. signed, .. XEdDsa.Sign(state.SigningPrivateKey, signed)];
    }
}
