using System.Collections.Concurrent;

namespace SessionCluster.Actors.Tests;

/// <summary>On one thread, two busy actors take turns of at most Throughput messages each.</summary>
public sealed class FairnessTests
{
    private sealed class Gate(ManualResetEventSlim released) : IThreadPoolWorkItem
    {
        public void Execute() => released.Wait();
    }

    [Fact]
    public async Task Two_busy_actors_interleave_in_turns_of_Throughput_messages_on_a_single_thread()
    {
        using var dispatcher = new SingleThreadDispatcher("fairness");
        await using var system = ActorSystem.Create("fairness", new ActorSystemOptions { Throughput = 3, Dispatcher = dispatcher });
        var log = new ConcurrentQueue<char>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int perActor = 9;
        Actor<string> Recorder(char tag) => new LambdaActor<string>((_, _) =>
        {
            log.Enqueue(tag);
            if (log.Count == 2 * perActor) done.TrySetResult();
            return default;
        });
        var a = system.Spawn(() => Recorder('A'));
        var b = system.Spawn(() => Recorder('B'));
        await system.StopAsync(system.Spawn(() => Recorder('x'))); // by now A and B have started (FIFO thread)

        using var released = new ManualResetEventSlim();
        dispatcher.Schedule(new Gate(released), preferLocal: false); // hold the thread while both mailboxes fill
        for (int i = 0; i < perActor; i++) a.Tell("work");
        for (int i = 0; i < perActor; i++) b.Tell("work");
        released.Set();

        await done.Task.WaitAsync(TestHelpers.Generous);
        Assert.Equal("AAABBBAAABBBAAABBB", new string(log.ToArray()));
    }
}
