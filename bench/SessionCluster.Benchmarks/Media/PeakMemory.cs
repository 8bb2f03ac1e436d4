using System.Globalization;

namespace SessionCluster.Benchmarks.Media;

/// <summary>
/// The highest RSS and GC heap this process reaches while an operation runs, sampled every 10 ms on a thread of its
/// own, above a baseline taken after a full collection just before: whether a file passes through whole or in bounded
/// buffers shows here (a 100 MB file held whole would add at least 100 MB).
/// </summary>
internal sealed record PeakMemory(long BaselineRss, long PeakRss, long BaselineGcHeap, long PeakGcHeap, long Allocated, int Samples)
{
    public long RssAbove => PeakRss - BaselineRss;

    public long GcHeapAbove => PeakGcHeap - BaselineGcHeap;

    public static async Task<PeakMemory> DuringAsync(Func<Task> operation)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var baselineRss = Rss();
        var baselineHeap = GC.GetTotalMemory(forceFullCollection: false);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long peakRss = baselineRss, peakHeap = baselineHeap;
        var samples = 0;
        using var stop = new CancellationTokenSource();
        var sampler = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakRss = Math.Max(peakRss, Rss());
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                samples++;
                Thread.Sleep(10);
            }
        }) { IsBackground = true, Name = "peak-memory" };
        sampler.Start();
        try
        {
            await operation();
        }
        finally
        {
            await stop.CancelAsync();
            sampler.Join();
        }

        // One last sample: the end of the operation counts too.
        peakRss = Math.Max(peakRss, Rss());
        peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
        return new PeakMemory(baselineRss, peakRss, baselineHeap, peakHeap, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, samples);
    }

    /// <summary>Resident set size from /proc/self/statm (its second field, in pages): cheap enough for 100 samples a second.</summary>
    private static long Rss()
    {
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }
}
