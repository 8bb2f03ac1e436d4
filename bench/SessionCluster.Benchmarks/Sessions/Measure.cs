using System.Diagnostics;
using System.Globalization;

namespace SessionCluster.Benchmarks.Sessions;

/// <summary>
/// The process's memory after a full compacting GC: GC heap (<c>GC.GetTotalMemory(true)</c>), RSS, and the memory the GC
/// has committed (live objects plus free space it keeps), so that RSS − committed is the native part (TLS, sockets, code).
/// </summary>
internal sealed record MemorySample(long GcHeap, long Rss, long GcCommitted)
{
    public static MemorySample Take()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return new MemorySample(heap, process.WorkingSet64, GC.GetGCMemoryInfo().TotalCommittedBytes);
    }

    /// <summary>
    /// Asks glibc to give freed heap pages back to the OS (<c>malloc_trim(0)</c>): the RSS it frees is native memory that
    /// was freed but kept by the allocator (fragmentation), not memory anything holds. False where there is no glibc.
    /// </summary>
    public static bool TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux() || !System.Runtime.InteropServices.NativeLibrary.TryLoad("libc.so.6", out var libc)
            || !System.Runtime.InteropServices.NativeLibrary.TryGetExport(libc, "malloc_trim", out var trim))
        {
            return false;
        }

        System.Runtime.InteropServices.Marshal.GetDelegateForFunctionPointer<MallocTrim>(trim)(0);
        return true;
    }

    [System.Runtime.InteropServices.UnmanagedFunctionPointer(System.Runtime.InteropServices.CallingConvention.Cdecl)]
    private delegate int MallocTrim(nuint pad);

    /// <summary>RSS of another process (the simulator), from /proc; 0 when unreadable.</summary>
    public static long RssOf(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

internal static class Format
{
    public static string Kib(double bytes) => (bytes / 1024).ToString("N1", CultureInfo.InvariantCulture) + " KiB";

    public static string Mib(double bytes) => (bytes / (1024 * 1024)).ToString("N0", CultureInfo.InvariantCulture) + " MiB";

    public static string Ms(double ms) => ms.ToString(ms < 10 ? "N2" : "N1", CultureInfo.InvariantCulture) + " ms";

    public static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>Runs <paramref name="work"/> for each item with at most <paramref name="concurrency"/> in flight; counts failures, keeps the first error.</summary>
internal static class Batches
{
    public static async Task<(int Failures, string? FirstError)> ForEachAsync<T>(IEnumerable<T> items, int concurrency, Func<T, Task> work)
    {
        var failures = 0;
        string? first = null;
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (item, _) =>
        {
            try
            {
                await work(item);
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref failures);
                Interlocked.CompareExchange(ref first, e.GetType().Name + ": " + e.Message, null);
            }
        });
        return (failures, first);
    }
}

/// <summary>CPU seconds (user + system) of this process and of the simulator process over a phase, read from /proc.</summary>
internal sealed class PhaseCpu(int simulatorPid)
{
    private readonly double _node = Seconds(Environment.ProcessId);
    private readonly double _simulator = Seconds(simulatorPid);

    public (double Node, double Simulator) Elapsed() => (Seconds(Environment.ProcessId) - _node, Seconds(simulatorPid) - _simulator);

    public string Text()
    {
        var (node, simulator) = Elapsed();
        return $"node {node.ToString("N1", CultureInfo.InvariantCulture)} s, simulator {simulator.ToString("N1", CultureInfo.InvariantCulture)} s";
    }

    /// <summary>utime + stime of <paramref name="pid"/> (fields 14 and 15 of /proc/pid/stat, in clock ticks of 1/100 s); 0 when unreadable.</summary>
    private static double Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
