using Xunit.Abstractions;

namespace SessionCluster.Actors.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FootprintCollection
{
    public const string Name = "Footprint (runs alone: measures threads and memory)";
}

/// <summary>Idle actors cost no threads and little memory. Runs without parallel tests so that the figures are its own.</summary>
[Collection(FootprintCollection.Name)]
public sealed class FootprintTests(ITestOutputHelper output)
{
    private static int s_started;

    private sealed class IdleActor : Actor<string>
    {
        protected internal override ValueTask PreStartAsync()
        {
            Interlocked.Increment(ref s_started);
            return default;
        }

        protected internal override ValueTask ReceiveAsync(string message) => default;
    }

    private static async Task<ActorRef<string>[]> SpawnIdle(ActorSystem system, int count)
    {
        Volatile.Write(ref s_started, 0);
        var refs = new ActorRef<string>[count];
        for (int i = 0; i < count; i++) refs[i] = system.Spawn(static () => new IdleActor());
        await TestHelpers.WaitUntil(() => Volatile.Read(ref s_started) == count, TimeSpan.FromSeconds(60));
        return refs;
    }

    [Fact]
    public async Task Ten_thousand_idle_actors_do_not_grow_the_thread_pool()
    {
        await using var system = ActorSystem.Create("idle-threads");
        int before = ThreadPool.ThreadCount;

        var refs = await SpawnIdle(system, 10_000);
        await Task.Delay(500); // idle now: nothing should be running or parked for them

        int after = ThreadPool.ThreadCount;
        output.WriteLine($"Thread pool threads: {before} before, {after} with 10,000 idle actors");
        // A thread (or a parked task) per actor would add thousands; the pool's own injection under a loaded CI
        // machine adds a few, which is not what this test is about.
        Assert.True(after <= before + 32, $"thread pool grew from {before} to {after}");
        GC.KeepAlive(refs);
    }

    [Fact]
    public async Task An_idle_actor_takes_at_most_500_bytes()
    {
        const int count = 100_000;
        await using var system = ActorSystem.Create("idle-memory");
        await SpawnIdle(system, 10); // warm up: guardian registry, delegates, type loading
        long before = GC.GetTotalMemory(forceFullCollection: true);

        var refs = await SpawnIdle(system, count);

        long after = GC.GetTotalMemory(forceFullCollection: true);
        double perActor = (after - before) / (double)count;
        output.WriteLine($"Memory per idle actor: {perActor:0} bytes ({count:N0} actors, {(after - before) / 1024.0 / 1024.0:0.0} MiB)");
        Assert.True(perActor <= 500, $"an idle actor takes {perActor:0} bytes");
        GC.KeepAlive(refs);
    }
}
