using System.Text;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>
/// Fixed vectors produced by libsignal-node 6.0.0 (Baileys' Signal library) with its key generation
/// replaced by fixed keys: Alice (registration id 1234) processed Bob's bundle (registration id 5678,
/// signed prekey 1, one-time prekey 7), then encrypted two messages before any reply.
/// </summary>
public sealed class WhisperLibsignalVectorTests
{
    private const string FirstMessage =
        "33080712210538ab664bd86f77d7e66bdd9ae0792913a94fd8b33a1260027e4b46c1f4884c671a21057b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f132252330a2105219e4d800da968d2a5fcb009c784f4746c7138edb9ee4844b739e830b05cf42410001800222050f78b907651bb20c613a981f53eb843dbcb74662f8361066acedf4dd25dca6ad3d6872ac15d888b28d2093001";

    private const string SecondMessage =
        "33080712210538ab664bd86f77d7e66bdd9ae0792913a94fd8b33a1260027e4b46c1f4884c671a21057b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f132252330a2105219e4d800da968d2a5fcb009c784f4746c7138edb9ee4844b739e830b05cf424100118002220eda736b78803cc8b9cf5d03a249d9b80637274be52caa03e7225f6f13ef6c58a80a67f6eb00b557828d2093001";

    private static readonly LocalIdentity Alice = new(Pair(0x11), 1234);
    private static readonly LocalIdentity Bob = new(Pair(0x22), 5678);
    private static readonly SignedPreKeyRecord BobSignedPreKey = new(1, Pair(0x33), XEdDsa.Sign(Bob.IdentityKey.PrivateKey.Span, SignalPublicKey.Serialize(Pair(0x33).PublicKey.Span)), 0);
    private static readonly PreKeyRecord BobOneTimePreKey = new(7, Pair(0x44));

    [Fact]
    public void Prekey_messages_from_libsignal_node_decrypt_in_any_order()
    {
        var second = SessionCipher.Decrypt(SessionRecord.Empty, Bob, PreKey(SecondMessage), new BobsPreKeys());
        var first = SessionCipher.Decrypt(second.Record, Bob, PreKey(FirstMessage), new BobsPreKeys());

        Assert.Equal("second, still a pkmsg", Encoding.UTF8.GetString(second.Plaintext));
        Assert.Equal(7u, second.ConsumedPreKeyId);
        Assert.Equal("hello from libsignal-node", Encoding.UTF8.GetString(first.Plaintext));
        Assert.Null(first.ConsumedPreKeyId);
        Assert.Equal(1234u, first.Record.RemoteRegistrationId);
        Assert.Equal(Alice.IdentityKey.PublicKey.ToArray(), first.Record.RemoteIdentityKey.ToArray());
    }

    [Fact]
    public void With_libsignal_nodes_keys_our_initiator_writes_the_same_bytes()
    {
        var bundle = new PreKeyBundle(
            Bob.RegistrationId,
            Bob.IdentityKey.PublicKey,
            BobSignedPreKey.Id,
            BobSignedPreKey.KeyPair.PublicKey,
            BobSignedPreKey.Signature,
            BobOneTimePreKey.Id,
            BobOneTimePreKey.KeyPair.PublicKey);
        var record = SessionBuilder.ProcessBundle(SessionRecord.Empty, Alice, bundle, baseKey: Pair(0x55), ratchetKey: Pair(0x66));

        var first = SessionCipher.Encrypt(record, Alice, "hello from libsignal-node"u8);
        var second = SessionCipher.Encrypt(first.Record, Alice, "second, still a pkmsg"u8);

        Assert.Equal(FirstMessage, Convert.ToHexStringLower(first.Message.Serialized));
        Assert.Equal(SecondMessage, Convert.ToHexStringLower(second.Message.Serialized));
    }

    [Fact]
    public void The_KDF_steps_match_libsignal_node_deriveSecrets()
    {
        Span<byte> root = stackalloc byte[32];
        Span<byte> chain = stackalloc byte[32];
        Span<byte> keys = stackalloc byte[80];

        RatchetKdf.DeriveInitialRootKey(Sequence(160, 0x40), root);
        Assert.Equal("14e91dfbf1a00a1d89a17172dffe5b5ec7b0fe3f58e6f0c1552a59f303f675b2", Convert.ToHexStringLower(root));

        RatchetKdf.RootStep(Sequence(32, 0x10), Sequence(32, 0xa0), root, chain);
        Assert.Equal("d3b364cdde9b2ff59839cc6f05be22a2abcdb9a39d0e007eb95e4cc8a24e268f", Convert.ToHexStringLower(root));
        Assert.Equal("9e342846794fcefb688bce67f5f67790f1c7296bd0930a349938f6fb06045357", Convert.ToHexStringLower(chain));

        ChainKdf.MessageKeySeed(Sequence(32, 0x77), chain);
        Assert.Equal("bdb1d6c7edfdff3ba3af83bb789fcb5fb398e56e904cfa81fc86749d99f61205", Convert.ToHexStringLower(chain));
        ChainKdf.NextChainKey(Sequence(32, 0x77), root);
        Assert.Equal("ca979fed4228ed7c49e3065f302fe9dadd21441323fa89ec72a084839bd76342", Convert.ToHexStringLower(root));

        RatchetKdf.MessageKeys(chain, keys);
        Assert.Equal(
            "47f3a75a86dd12b06e82bf2cf381e8139fa20a98aa71bad3f0d79f74ec0e168f" + "57811e57f96a89759a493b6a5e030fba48156bd759941219f67f246e65f7b27f" + "e5c8a87027dd0493d01d76f87a557dcf",
            Convert.ToHexStringLower(keys));
    }

    /// <summary>A clamped key pair whose private key is <paramref name="fill"/> repeated, as the vectors were made.</summary>
    private static KeyPair Pair(byte fill)
    {
        var privateKey = new byte[32];
        privateKey.AsSpan().Fill(fill);
        return Curve25519.FromPrivateKey(privateKey);
    }

    private static byte[] Sequence(int length, int start)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(start + i);
        }

        return bytes;
    }

    private static CiphertextMessage PreKey(string hex) => new(CiphertextType.PreKey, Convert.FromHexString(hex));

    private sealed class BobsPreKeys : IPreKeySource
    {
        public PreKeyRecord? FindPreKey(uint id) => id == BobOneTimePreKey.Id ? BobOneTimePreKey : null;

        public SignedPreKeyRecord? FindSignedPreKey(uint id) => id == BobSignedPreKey.Id ? BobSignedPreKey : null;
    }
}
