using System.Collections.Concurrent;
using SessionCluster.Actors.TestKit;

namespace SessionCluster.Actors.Tests;

public sealed class TellTests : ActorTestKit
{
    private sealed record Numbered(int Sender, int Sequence);

    [Fact]
    public async Task Messages_from_one_sender_arrive_in_the_order_they_were_sent()
    {
        const int senders = 4, perSender = 5_000;
        var received = new ConcurrentQueue<Numbered>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = System.Spawn(() => new LambdaActor<Numbered>((_, m) =>
        {
            received.Enqueue(m);
            if (received.Count == senders * perSender) done.TrySetResult();
            return default;
        }));

        var tasks = new Task[senders];
        for (int s = 0; s < senders; s++)
        {
            int sender = s;
            tasks[s] = Task.Run(() =>
            {
                for (int i = 0; i < perSender; i++) actor.Tell(new Numbered(sender, i));
            });
        }
        await Task.WhenAll(tasks);
        await done.Task.WaitAsync(TestHelpers.Generous);

        var next = new int[senders];
        foreach (var message in received)
        {
            Assert.Equal(next[message.Sender], message.Sequence);
            next[message.Sender]++;
        }
    }

    [Fact]
    public async Task Tell_to_a_terminated_actor_becomes_a_dead_letter()
    {
        ExpectDeadLetters();
        var actor = System.Spawn(() => new LambdaActor<string>((_, _) => default));
        await System.StopAsync(actor);

        actor.Tell("late");

        var deadLetter = Assert.Single(DeadLettersSoFar);
        Assert.Equal("late", deadLetter.Message);
        Assert.Equal(DeadLetterReason.RecipientTerminated, deadLetter.Reason);
        Assert.False(actor.TryTell("later"));
    }

    [Fact]
    public void Path_names_the_system_the_guardian_and_the_actor()
    {
        var actor = System.Spawn(() => new LambdaActor<string>((_, _) => default), "sessions");
        Assert.Equal($"sc://{nameof(TellTests)}/user/sessions", actor.Path.ToString());
        Assert.Equal(actor.Path, actor.Path);
    }
}
