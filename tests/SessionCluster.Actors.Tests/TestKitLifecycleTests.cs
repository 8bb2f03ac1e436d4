using SessionCluster.Actors.TestKit;
using Xunit.Sdk;

namespace SessionCluster.Actors.Tests;

/// <summary>The fixture and the base class themselves: shutdown and the dead-letter check.</summary>
public sealed class TestKitLifecycleTests
{
    private sealed class KitUnderTest : ActorTestKit
    {
        public ActorSystem TheSystem => System;

        public async Task ProduceDeadLetter(bool expected)
        {
            if (expected) ExpectDeadLetters();
            var actor = System.Spawn(() => new LambdaActor<string>((_, _) => default));
            await System.StopAsync(actor);
            actor.Tell("nobody is listening");
        }
    }

    [Fact]
    public async Task ActorTestKit_fails_a_test_that_produced_unexpected_dead_letters()
    {
        var kit = new KitUnderTest();
        await kit.ProduceDeadLetter(expected: false);

        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => kit.DisposeAsync().AsTask());

        Assert.Contains("1 unexpected dead letter", failure.Message);
        Assert.True(kit.TheSystem.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task ActorTestKit_accepts_dead_letters_a_test_expects()
    {
        var kit = new KitUnderTest();
        await kit.ProduceDeadLetter(expected: true);

        await kit.DisposeAsync();

        Assert.True(kit.TheSystem.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task ActorSystemFixture_provides_probes_and_shuts_its_system_down()
    {
        var fixture = new ActorSystemFixture();
        var probe = fixture.CreateProbe<string>();
        probe.Ref.Tell("ping");
        Assert.Equal("ping", await probe.ExpectMsgAsync());

        await fixture.DisposeAsync();

        Assert.True(fixture.System.WhenTerminated.IsCompleted);
    }
}
