using System.Diagnostics;
using System.Text.Json;
using SessionCluster.Actors;

namespace SessionCluster.Benchmarks.Actors;

/// <summary>
/// <c>--actors-footprint [--count N] [--out file.json]</c>: bytes per idle actor and creation rate (docs/BENCHMARKS.md,
/// "Actors"). Spawns N (default 1,000,000) idle top-level actors, waits until each has run its PreStart, and compares
/// <see cref="GC.GetTotalMemory(bool)"/> (full collection) before and after, keeping every reference alive. A warm-up
/// of 1,000 actors first loads the types and grows the guardian's registry once, so they are not counted.
/// </summary>
internal static class ActorFootprint
{
    public const string Option = "--actors-footprint";

    private static int s_started;

    public static async Task<int> RunAsync(string[] args)
    {
        var count = BenchArgs.Int(args, "--count", 1_000_000);
        var output = BenchArgs.String(args, "--out", null);

        await using var system = ActorSystem.Create("bench-footprint");
        GC.KeepAlive(await SpawnIdleAsync(system, 1_000));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var started = Stopwatch.GetTimestamp();
        var refs = await SpawnIdleAsync(system, count);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(refs);

        var result = new FootprintResult(
            Actors: count,
            BytesBefore: before,
            BytesAfter: after,
            BytesPerActor: (after - before) / (double)count,
            CreationSeconds: elapsed.TotalSeconds,
            ActorsPerSecond: count / elapsed.TotalSeconds,
            GcMode: System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
            ThreadPoolThreads: ThreadPool.ThreadCount);
        Console.WriteLine($"{count:N0} idle actors: {result.BytesPerActor:N0} bytes/actor ({(after - before) / 1048576.0:N1} MiB), " +
                          $"created and started in {elapsed.TotalSeconds:N2} s ({result.ActorsPerSecond:N0} actors/s), " +
                          $"{ThreadPool.ThreadCount} thread-pool threads");
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, BenchArgs.Json));
        }

        return 0;
    }

    private static async Task<ActorRef<string>[]> SpawnIdleAsync(ActorSystem system, int count)
    {
        Volatile.Write(ref s_started, 0);
        var refs = new ActorRef<string>[count];
        for (var i = 0; i < count; i++)
        {
            refs[i] = system.Spawn(static () => new IdleActor());
        }

        while (Volatile.Read(ref s_started) < count)
        {
            await Task.Delay(5);
        }

        return refs;
    }

    private sealed class IdleActor : Actor<string>
    {
        protected internal override ValueTask PreStartAsync()
        {
            Interlocked.Increment(ref s_started);
            return default;
        }

        protected internal override ValueTask ReceiveAsync(string message) => default;
    }
}

internal sealed record FootprintResult(
    int Actors,
    long BytesBefore,
    long BytesAfter,
    double BytesPerActor,
    double CreationSeconds,
    double ActorsPerSecond,
    string GcMode,
    int ThreadPoolThreads);

/// <summary>The few command-line options of the custom measurement modes.</summary>
internal static class BenchArgs
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string? String(string[] args, string name, string? fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public static int Int(string[] args, string name, int fallback) =>
        String(args, name, null) is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public static double Double(string[] args, string name, double fallback) =>
        String(args, name, null) is { } text ? double.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
