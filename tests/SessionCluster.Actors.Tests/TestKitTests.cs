using SessionCluster.Actors.TestKit;
using Xunit.Sdk;

namespace SessionCluster.Actors.Tests;

public sealed class TestKitTests : ActorTestKit
{
    [Fact]
    public void ExpectMsg_returns_the_message_that_arrived()
    {
        var probe = CreateProbe<string>();
        probe.Ref.Tell("hello");
        Assert.Equal("hello", probe.ExpectMsg());
    }

    [Fact]
    public void ExpectMsg_fails_naming_the_expected_and_the_received_message()
    {
        var probe = CreateProbe<string>();
        probe.Ref.Tell("actual");

        var failure = Assert.ThrowsAny<XunitException>(() => probe.ExpectMsg("expected"));

        Assert.Contains("expected", failure.Message);
        Assert.Contains("actual", failure.Message);
    }

    [Fact]
    public void ExpectMsg_fails_saying_nothing_arrived_within_the_timeout()
    {
        var probe = CreateProbe<string>();

        var failure = Assert.ThrowsAny<XunitException>(() => probe.ExpectMsg(TimeSpan.FromMilliseconds(100)));

        Assert.Contains("nothing arrived within 100 ms", failure.Message);
    }

    [Fact]
    public void ExpectMsg_of_a_type_checks_the_predicate()
    {
        var probe = CreateProbe<object>();
        probe.Ref.Tell(7);
        probe.Ref.Tell("text");

        Assert.Equal(7, probe.ExpectMsg<int>(n => n > 5));
        Assert.ThrowsAny<XunitException>(() => probe.ExpectMsg<int>());
    }

    [Fact]
    public void ExpectNoMsg_fails_when_a_message_arrives()
    {
        var probe = CreateProbe<string>();
        probe.Ref.Tell("surprise");

        var failure = Assert.ThrowsAny<XunitException>(() => probe.ExpectNoMsg(TimeSpan.FromMilliseconds(500)));

        Assert.Contains("surprise", failure.Message);
    }

    [Fact]
    public void FishForMessage_skips_messages_until_the_target()
    {
        var probe = CreateProbe<string>();
        foreach (var message in new[] { "a", "b", "target", "after" }) probe.Ref.Tell(message);

        Assert.Equal("target", probe.FishForMessage(m => m == "target"));
        Assert.Equal("after", probe.ExpectMsg());
    }

    [Fact]
    public void Within_fails_when_the_block_takes_longer_than_max()
    {
        var probe = CreateProbe<string>();

        var failure = Assert.ThrowsAny<XunitException>(() => probe.Within(TimeSpan.FromMilliseconds(50), () => Thread.Sleep(300)));

        Assert.Contains("longer than the maximum", failure.Message);
    }

    [Fact]
    public void Within_fails_when_the_block_is_shorter_than_min()
    {
        var probe = CreateProbe<string>();

        var failure = Assert.ThrowsAny<XunitException>(() => probe.Within(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), () => { }));

        Assert.Contains("shorter than the minimum", failure.Message);
    }

    [Fact]
    public void Inside_Within_an_expectation_waits_only_for_the_time_left()
    {
        var probe = CreateProbe<string>();
        probe.DefaultTimeout = TimeSpan.FromSeconds(30);

        var failure = Assert.ThrowsAny<XunitException>(() => probe.Within(TimeSpan.FromMilliseconds(300), () => probe.ExpectMsg()));

        Assert.Contains("nothing arrived", failure.Message);
    }

    [Fact]
    public void Within_returns_the_blocks_result()
    {
        var probe = CreateProbe<string>();
        probe.Ref.Tell("inside");

        string result = probe.Within(TimeSpan.Zero, TestHelpers.Generous, () => probe.ExpectMsg());

        Assert.Equal("inside", result);
    }

    [Fact]
    public async Task ExpectTerminated_observes_a_watched_actor_on_the_side_channel()
    {
        var probe = CreateProbe<string>();
        var target = System.Spawn(() => new LambdaActor<object>((_, _) => default));
        probe.Watch(target);

        await System.StopAsync(target);

        Assert.Equal(target, probe.ExpectTerminated(target).Actor);
    }

    [Fact]
    public async Task Async_expectations_work_like_the_synchronous_ones()
    {
        var probe = CreateProbe<string>();
        probe.Ref.Tell("one");

        Assert.Equal("one", await probe.ExpectMsgAsync());
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }
}
