using System.Security.Cryptography;
using SessionCluster.Protocol.Crypto;
using Google.Protobuf;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions.Tests.State;

public sealed class OneTimePreKeysTests
{
    [Fact]
    public void Every_added_key_is_found_with_its_own_private_and_public_half()
    {
        var batch = OneTimePreKeys.Generate(RandomNumberGenerator.Create(), 0xFFFFF0, 50);
        var keys = OneTimePreKeys.Empty.Add(batch);

        Assert.Equal(50, keys.Count);
        foreach (var expected in batch)
        {
            var found = keys.Find(expected.Id);
            Assert.NotNull(found);
            Assert.Equal(expected.KeyPair.PrivateKey.ToArray(), found.KeyPair.PrivateKey.ToArray());
            Assert.Equal(expected.KeyPair.PublicKey.ToArray(), found.KeyPair.PublicKey.ToArray());
        }

        Assert.Null(keys.Find(0));
        Assert.Null(keys.Find(100));
    }

    [Fact]
    public void Removing_consumed_ids_leaves_the_others_and_the_value_it_came_from_unchanged()
    {
        var batch = OneTimePreKeys.Generate(RandomNumberGenerator.Create(), 1, 10);
        var before = OneTimePreKeys.Empty.Add(batch);

        var after = before.Remove([3, 7, 999]);

        Assert.Equal(8, after.Count);
        Assert.Null(after.Find(3));
        Assert.Null(after.Find(7));
        Assert.Equal(batch[4].KeyPair.PublicKey.ToArray(), after.Find(5)!.KeyPair.PublicKey.ToArray());
        Assert.Equal(10, before.Count);
        Assert.NotNull(before.Find(3));
    }

    [Fact]
    public void A_later_batch_joins_the_held_keys_and_a_reused_id_takes_the_new_key()
    {
        var random = RandomNumberGenerator.Create();
        var first = OneTimePreKeys.Generate(random, 1, 5);
        var second = OneTimePreKeys.Generate(random, 5, 5);

        var keys = OneTimePreKeys.Empty.Add(first).Add(second);

        Assert.Equal(9, keys.Count);
        Assert.Equal(first[0].KeyPair.PublicKey.ToArray(), keys.Find(1)!.KeyPair.PublicKey.ToArray());
        Assert.Equal(second[0].KeyPair.PublicKey.ToArray(), keys.Find(5)!.KeyPair.PublicKey.ToArray());
        Assert.Equal(second[4].KeyPair.PublicKey.ToArray(), keys.Find(9)!.KeyPair.PublicKey.ToArray());
    }

    [Fact]
    public void A_sealed_batch_opens_to_the_same_keys_beside_those_held_and_a_wrong_context_or_tampered_batch_is_refused()
    {
        var random = RandomNumberGenerator.Create();
        var box = new SecretBox(SecretKey.Generate(random), random);
        var held = OneTimePreKeys.Empty.Add(OneTimePreKeys.Generate(random, 1, 2));
        var batch = OneTimePreKeys.Generate(random, 42, 3);

        var opened = held.AddSealed(OneTimePreKeys.Seal(batch, box, "s1"u8), box, "s1"u8);

        Assert.Equal(5, opened.Count);
        Assert.Equal(batch.Select(k => (k.Id, Hex(k.KeyPair))), batch.Select(k => (k.Id, Hex(opened.Find(k.Id)!.KeyPair))));
        Assert.NotNull(opened.Find(2));
        Assert.Equal(SecretsFailure.Tampered, Assert.Throws<SecretsException>(() => held.AddSealed(OneTimePreKeys.Seal(batch, box, "s1"u8), box, "s2"u8)).Failure);

        // A batch that opens but holds a key of the wrong length (sealed under the right key: no MAC catches it) is no prekey batch.
        var broken = new OneTimePreKeyBatch();
        broken.Keys.Add(new OneTimePreKey { Id = 7, PrivateKey = ByteString.CopyFrom(new byte[31]) });
        var sealedBroken = new PreKeysGenerated { FirstId = 7, Count = 1, SealedKeys = ByteString.CopyFrom(box.Seal(broken.ToByteArray(), "s1"u8)), NextPrekeyId = 8 };
        Assert.Equal(SecretsFailure.Tampered, Assert.Throws<SecretsException>(() => held.AddSealed(sealedBroken, box, "s1"u8)).Failure);
    }

    private static string Hex(KeyPair pair) => Convert.ToHexString(pair.PrivateKey.Span) + Convert.ToHexString(pair.PublicKey.Span);
}
