using SessionCluster.Sessions.Flows;

namespace SessionCluster.Sessions.Tests.Flows;

public sealed class StoredInboundTests
{
    [Fact]
    public void A_remembered_key_is_recognized_and_a_different_one_is_not()
    {
        var stored = new StoredInbound(capacity: 8);
        stored.Add("15550001111@lid/3EB0AAAA");

        Assert.True(stored.Contains("15550001111@lid/3EB0AAAA"));
        Assert.False(stored.Contains("15550001111@lid/3EB0AAAB"));
        Assert.False(stored.Contains("15550001112@lid/3EB0AAAA"));
    }

    [Fact]
    public void Past_the_capacity_the_oldest_are_forgotten_first_and_adding_a_key_twice_keeps_one()
    {
        var stored = new StoredInbound(capacity: 3);
        foreach (var id in new[] { "a/1", "a/2", "a/2", "a/3", "a/4" })
        {
            stored.Add(id);
        }

        Assert.Equal(3, stored.Count);
        Assert.False(stored.Contains("a/1"));
        Assert.All(new[] { "a/2", "a/3", "a/4" }, id => Assert.True(stored.Contains(id)));
    }

    [Fact]
    public void Keys_longer_than_the_stack_buffer_hash_all_their_bytes()
    {
        var stored = new StoredInbound(capacity: 4);
        var prefix = new string('x', 300);
        stored.Add(prefix + "1");

        Assert.True(stored.Contains(prefix + "1"));
        Assert.False(stored.Contains(prefix + "2"));
    }
}
