using SessionCluster.Actors.TestKit;

namespace SessionCluster.Actors.Tests;

public sealed class BoundedMailboxTests : ActorTestKit
{
    private (TestProbe<string> Probe, ActorRef<string> Actor, TaskCompletionSource Gate) SpawnBlockedActor(int capacity)
    {
        var probe = CreateProbe<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = System.Spawn(() => new LambdaActor<string>(async (_, message) =>
        {
            if (message == "block")
            {
                probe.Ref.Tell("blocked");
                await gate.Task;
                return;
            }
            probe.Ref.Tell(message);
        }), mailbox: MailboxOptions.Bounded(capacity));
        actor.Tell("block");
        probe.ExpectMsg("blocked");
        return (probe, actor, gate);
    }

    [Fact]
    public void Tell_to_a_full_mailbox_is_a_counted_dead_letter_and_TryTell_returns_false()
    {
        ExpectDeadLetters();
        var (probe, actor, gate) = SpawnBlockedActor(capacity: 2);

        actor.Tell("m1");
        Assert.True(actor.TryTell("m2"));
        actor.Tell("m3");
        Assert.False(actor.TryTell("m4"));

        Assert.Equal(2, System.DeadLetters.Count);
        Assert.All(DeadLettersSoFar, letter => Assert.Equal(DeadLetterReason.MailboxFull, letter.Reason));
        gate.SetResult();
        probe.ExpectMsg("m1");
        probe.ExpectMsg("m2");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task TellAsync_waits_for_room_and_then_delivers()
    {
        var (probe, actor, gate) = SpawnBlockedActor(capacity: 1);
        actor.Tell("m1");

        var waiting = actor.TellAsync("m2");
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        gate.SetResult();

        await waiting.AsTask().WaitAsync(TestHelpers.Generous);
        probe.ExpectMsg("m1");
        probe.ExpectMsg("m2");
    }

    [Fact]
    public async Task TellAsync_honours_cancellation_while_waiting()
    {
        var (_, actor, gate) = SpawnBlockedActor(capacity: 1);
        actor.Tell("m1");
        using var cancellation = new CancellationTokenSource();

        var waiting = actor.TellAsync("m2", cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.AsTask());
        gate.SetResult();
    }
}
