using System.Globalization;

namespace SessionCluster.Benchmarks.Persistence;

/// <summary>
/// The whole machine's busy CPU time from /proc/stat: the benchmark process and the PostgreSQL server together, so that
/// "machine CPU per event" compares plugins whose work is split differently between client and server. On a CPU-bound
/// machine the best possible ratio of two journals' events/s is the inverse ratio of these figures.
/// </summary>
internal static class MachineCpu
{
    /// <summary>Seconds of non-idle CPU time summed over all cores since boot (user, nice, system, irq, softirq, steal).</summary>
    public static double BusySeconds()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal ...
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        var busyTicks = Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8);
        return busyTicks / 100.0; // USER_HZ is 100 on Linux
    }
}
