using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using SessionCluster.Simulator;

namespace SessionCluster.Benchmarks.Simulator;

/// <summary>What holding N logged-in connections costs and whether keepalives stay prompt meanwhile.</summary>
internal sealed record HeldResult(
    int Requested,
    int Held,
    int LoginFailures,
    string? FirstLoginError,
    int ServerConnections,
    double LoginSeconds,
    double LoginsPerSecond,
    double LoginP50Ms,
    double LoginP99Ms,
    double GcHeapBytesPerConnection,
    double WorkingSetBytesPerConnection,
    double WorkingSetMiB,
    int Pings,
    int PingFailures,
    double PingP50Ms,
    double PingP99Ms,
    double PingMaxMs,
    int ConnectionsFailedWhileHeld);

/// <summary>
/// Logs in the first <c>N</c> linked devices with at most <c>concurrency</c> handshakes in flight, keeps every
/// connection open with its reader loop, then pings at the rate N real clients would (each every 30 s, docs/PROTOCOL.md §13)
/// for the given time and records each ping's round trip. Memory is compared before and after the logins with full
/// collections: it is the cost of both ends (the client and the server share this process), so an upper bound for
/// the server's share.
/// </summary>
internal static class HeldConnections
{
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(30);

    public static async Task<HeldResult> RunAsync(SimulatorHost host, IReadOnlyList<LinkedDevice> devices, int count, int concurrency, TimeSpan pingFor)
    {
        var (heapBefore, workingSetBefore) = Memory();
        var clients = new ConcurrentBag<BenchClient>();
        var loginMs = new ConcurrentQueue<double>();
        var failures = 0;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(devices.Take(count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (device, _) =>
        {
            var one = Stopwatch.GetTimestamp();
            try
            {
                clients.Add(await BenchClient.LoginAsync(host, device));
                loginMs.Enqueue(Stopwatch.GetElapsedTime(one).TotalMilliseconds);
            }
            catch (Exception e)
            {
                // A login that does not hold is a result here ("report what holds"): counted and its first error shown.
                Interlocked.Increment(ref failures);
                Interlocked.CompareExchange(ref firstError, $"{device.Jid}: {e.GetType().Name}: {e.Message}", null);
            }
        });
        var loginSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var held = clients.ToArray();
        var (heapAfter, workingSetAfter) = Memory();
        var serverConnections = await ServerConnectionsAsync(host);

        var (pings, pingFailures) = await PingAsync(held, pingFor);
        var failedWhileHeld = held.Count(c => c.Failure is not null);

        await Parallel.ForEachAsync(held, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (client, _) => await client.DisposeAsync());
        var sortedLogins = loginMs.Order().ToArray();
        var sortedPings = pings.Order().ToArray();
        return new HeldResult(
            Requested: count,
            Held: held.Length,
            LoginFailures: failures,
            FirstLoginError: firstError,
            ServerConnections: serverConnections,
            LoginSeconds: loginSeconds,
            LoginsPerSecond: held.Length / loginSeconds,
            LoginP50Ms: Percentile.Of(sortedLogins, 0.50),
            LoginP99Ms: Percentile.Of(sortedLogins, 0.99),
            GcHeapBytesPerConnection: held.Length == 0 ? double.NaN : (heapAfter - heapBefore) / (double)held.Length,
            WorkingSetBytesPerConnection: held.Length == 0 ? double.NaN : (workingSetAfter - workingSetBefore) / (double)held.Length,
            WorkingSetMiB: workingSetAfter / 1048576.0,
            Pings: sortedPings.Length,
            PingFailures: pingFailures,
            PingP50Ms: Percentile.Of(sortedPings, 0.50),
            PingP99Ms: Percentile.Of(sortedPings, 0.99),
            PingMaxMs: sortedPings.Length == 0 ? double.NaN : sortedPings[^1],
            ConnectionsFailedWhileHeld: failedWhileHeld);
    }

    /// <summary>Pings round-robin over the held connections at N/30 s for <paramref name="duration"/>.</summary>
    private static async Task<(List<double> RoundTripsMs, int Failures)> PingAsync(BenchClient[] held, TimeSpan duration)
    {
        var roundTrips = new ConcurrentQueue<double>();
        var failures = 0;
        if (held.Length == 0)
        {
            return ([], 0);
        }

        var perSecond = held.Length / KeepAliveInterval.TotalSeconds;
        var tick = TimeSpan.FromMilliseconds(20);
        var inFlight = new List<Task>();
        var due = 0.0;
        var next = 0;
        var started = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(tick);
        while (Stopwatch.GetElapsedTime(started) < duration && await timer.WaitForNextTickAsync())
        {
            due += perSecond * tick.TotalSeconds;
            for (; due >= 1; due--)
            {
                var client = held[next++ % held.Length];
                inFlight.Add(Task.Run(async () =>
                {
                    try
                    {
                        roundTrips.Enqueue((await client.PingAsync(PingTimeout)).TotalMilliseconds);
                    }
                    catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException)
                    {
                        // An unanswered or refused ping is the finding: counted and reported.
                        Interlocked.Increment(ref failures);
                    }
                }));
            }
        }

        await Task.WhenAll(inFlight);
        return ([.. roundTrips], failures);
    }

    private static (long GcHeap, long WorkingSet) Memory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return (heap, process.WorkingSet64);
    }

    /// <summary>The simulator's own counts of stanzas received and sent since start (<c>GET /admin/stats</c>).</summary>
    public static async Task<(long In, long Out)> ServerStanzasAsync(SimulatorHost host)
    {
        using var http = new HttpClient();
        using var stats = JsonDocument.Parse(await http.GetStringAsync(host.AdminUrl + "/stats"));
        return (stats.RootElement.GetProperty("stanzasIn").GetInt64(), stats.RootElement.GetProperty("stanzasOut").GetInt64());
    }

    /// <summary>The simulator's own count of open connections (<c>GET /admin/stats</c>).</summary>
    public static async Task<int> ServerConnectionsAsync(SimulatorHost host)
    {
        using var http = new HttpClient();
        using var stats = JsonDocument.Parse(await http.GetStringAsync(host.AdminUrl + "/stats"));
        return stats.RootElement.GetProperty("connections").GetInt32();
    }
}

internal static class Percentile
{
    /// <summary>Nearest-rank percentile of an ascending array; NaN when empty.</summary>
    public static double Of(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
