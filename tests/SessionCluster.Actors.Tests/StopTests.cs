using System.Collections.Concurrent;
using SessionCluster.Actors.TestKit;

namespace SessionCluster.Actors.Tests;

public sealed class StopTests : ActorTestKit
{
    /// <summary>Spawns the given number of children in PreStart; records PostStop order.</summary>
    private sealed class Family(string name, int children, ConcurrentQueue<string> stops, TaskCompletionSource? ready = null) : Actor<string>
    {
        protected internal override ValueTask PreStartAsync()
        {
            for (int i = 0; i < children; i++)
            {
                string childName = $"{name}.{i}";
                Context.Spawn(() => new Family(childName, 0, stops), $"c{i}");
            }
            ready?.TrySetResult();
            return default;
        }

        protected internal override ValueTask ReceiveAsync(string message) => default;

        protected internal override ValueTask PostStopAsync()
        {
            stops.Enqueue(name);
            return default;
        }
    }

    [Fact]
    public async Task A_graceful_stop_lets_the_current_message_finish_first()
    {
        ExpectDeadLetters(); // "queued" is left in the mailbox on purpose
        var probe = CreateProbe<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = System.Spawn(() => new LambdaActor<string>(async (_, message) =>
        {
            probe.Ref.Tell($"{message} started");
            await gate.Task;
            probe.Ref.Tell($"{message} finished");
        }, probe.Ref, "worker"));
        probe.ExpectMsg("worker:started");
        actor.Tell("work");
        probe.ExpectMsg("work started");
        actor.Tell("queued");

        var stopped = System.StopAsync(actor);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.False(stopped.IsCompleted);
        gate.SetResult();

        probe.ExpectMsg("work finished");
        probe.ExpectMsg("worker:stopped");
        await stopped.WaitAsync(TestHelpers.Generous);
        var leftover = Assert.Single(DeadLettersSoFar);
        Assert.Equal("queued", leftover.Message);
        Assert.Equal(DeadLetterReason.LeftInMailbox, leftover.Reason);
    }

    [Fact]
    public async Task Stopping_a_parent_stops_its_children_first()
    {
        var stops = new ConcurrentQueue<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var parent = System.Spawn(() => new Family("parent", 3, stops, ready));
        await ready.Task.WaitAsync(TestHelpers.Generous);

        await System.StopAsync(parent).WaitAsync(TestHelpers.Generous);

        var order = stops.ToArray();
        Assert.Equal(4, order.Length);
        Assert.Equal("parent", order[^1]);
    }

    [Fact]
    public async Task Shutdown_stops_children_before_parents_and_completes_WhenTerminated()
    {
        var stops = new ConcurrentQueue<string>();
        var readyA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readyB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        System.Spawn(() => new Family("a", 2, stops, readyA));
        System.Spawn(() => new Family("b", 2, stops, readyB));
        await Task.WhenAll(readyA.Task, readyB.Task).WaitAsync(TestHelpers.Generous);

        await System.ShutdownAsync().WaitAsync(TestHelpers.Generous);
        await System.ShutdownAsync(); // idempotent

        Assert.True(System.WhenTerminated.IsCompleted);
        var order = stops.ToList();
        Assert.Equal(6, order.Count);
        foreach (var parent in new[] { "a", "b" })
            for (int i = 0; i < 2; i++)
                Assert.True(order.IndexOf($"{parent}.{i}") < order.IndexOf(parent), $"{parent}.{i} must stop before {parent}: {string.Join(",", order)}");
    }

    [Fact]
    public void A_duplicate_live_name_is_rejected()
    {
        System.Spawn(() => new LambdaActor<string>((_, _) => default), "unique");

        Assert.Throws<InvalidActorNameException>(() => System.Spawn(() => new LambdaActor<string>((_, _) => default), "unique"));
        Assert.Throws<InvalidActorNameException>(() => System.Spawn(() => new LambdaActor<string>((_, _) => default), "$reserved"));
    }

    [Fact]
    public async Task A_name_is_free_again_once_its_actor_has_terminated()
    {
        var first = System.Spawn(() => new LambdaActor<string>((_, _) => default), "reused");
        await System.StopAsync(first);

        var second = System.Spawn(() => new LambdaActor<string>((_, _) => default), "reused");

        Assert.NotEqual<IActorRef>(first, second);
        Assert.Equal(first.Path, second.Path);
    }

    [Fact]
    public async Task Context_Stop_of_self_stops_after_the_current_message()
    {
        var probe = CreateProbe<string>();
        var actor = System.Spawn(() => new LambdaActor<string>((context, message) =>
        {
            context.Stop(context.Self);
            probe.Ref.Tell($"handled {message}");
            return default;
        }));
        probe.Watch(actor);

        actor.Tell("last");

        probe.ExpectMsg("handled last");
        probe.ExpectTerminated(actor);
        await System.StopAsync(actor); // already terminated: completes at once
    }
}
