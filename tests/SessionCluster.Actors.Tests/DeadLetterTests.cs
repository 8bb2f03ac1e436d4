using SessionCluster.Actors.TestKit;

namespace SessionCluster.Actors.Tests;

public sealed class DeadLetterTests : ActorTestKit
{
    [Fact]
    public async Task Dead_letters_are_counted_and_published_with_recipient_and_reason()
    {
        ExpectDeadLetters();
        var published = new List<DeadLetter>();
        System.DeadLetters.Published += letter =>
        {
            lock (published) published.Add(letter);
        };
        var actor = System.Spawn(() => new LambdaActor<string>((_, _) => default));
        await System.StopAsync(actor);
        long before = System.DeadLetters.Count;

        actor.Tell("one");
        actor.Tell("two");

        Assert.Equal(before + 2, System.DeadLetters.Count);
        lock (published)
        {
            Assert.Equal(["one", "two"], published.Select(l => (string)l.Message));
            Assert.All(published, l => Assert.Equal<IActorRef?>(actor, l.Recipient));
            Assert.All(published, l => Assert.Equal(DeadLetterReason.RecipientTerminated, l.Reason));
        }
    }

    [Fact]
    public async Task A_throwing_subscriber_does_not_stop_delivery_to_the_others()
    {
        ExpectDeadLetters();
        int seen = 0;
        System.DeadLetters.Published += _ => throw new InvalidOperationException("bad subscriber");
        System.DeadLetters.Published += _ => Interlocked.Increment(ref seen);
        var actor = System.Spawn(() => new LambdaActor<string>((_, _) => default));
        await System.StopAsync(actor);

        actor.Tell("x");

        Assert.Equal(1, seen);
    }
}
