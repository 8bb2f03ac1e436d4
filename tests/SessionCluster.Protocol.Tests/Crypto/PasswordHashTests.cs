using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Tests.Crypto;

public sealed class PasswordHashTests
{
    [Fact]
    public void A_hash_is_argon2id_with_its_parameters_and_verifies_only_the_secret_it_was_made_from()
    {
        var hash = PasswordHash.Hash("sck_0123456789ab_secret");

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hash);
        Assert.True(PasswordHash.Verify(hash, "sck_0123456789ab_secret"));
        Assert.False(PasswordHash.Verify(hash, "sck_0123456789ab_secreT"));
        Assert.False(PasswordHash.Verify(hash, ""));
    }

    [Fact]
    public void The_same_secret_hashes_differently_each_time_with_a_fresh_salt()
    {
        Assert.NotEqual(PasswordHash.Hash("same", 1, 8192), PasswordHash.Hash("same", 1, 8192));
    }

    [Fact]
    public void A_malformed_hash_verifies_nothing()
    {
        Assert.False(PasswordHash.Verify("$argon2id$v=19$garbage", "anything"));
        Assert.False(PasswordHash.Verify("", "anything"));
    }
}
