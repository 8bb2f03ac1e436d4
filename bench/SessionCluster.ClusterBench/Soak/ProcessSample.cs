using System.Globalization;

namespace SessionCluster.ClusterBench.Soak;

/// <summary>
/// One reading of the node process from /proc, cheap enough to take every few seconds for half an hour and taken from
/// outside, so the node needs no metrics endpoint: resident memory (VmRSS, and its parts: anonymous memory — the GC's
/// heap and native allocations —, mapped files, and shared memory, where the runtime keeps JIT-compiled code), OS threads
/// (Threads), open handles (the entries of /proc/pid/fd: sockets, files, pipes, eventfds) and CPU time spent so far
/// (utime + stime).
/// </summary>
internal sealed record ProcessSample(DateTime At, double RssMegabytes, int Threads, int Handles, double CpuSeconds)
{
    public double AnonMegabytes { get; init; }

    public double FileMegabytes { get; init; }

    public double SharedMegabytes { get; init; }

    private const double ClockTicksPerSecond = 100;

    public static ProcessSample Take(int pid)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        double Field(string name) => double.Parse(
            status.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1],
            CultureInfo.InvariantCulture);

        // Fields after the command name (which may hold spaces) start after the last ')': utime and stime are 14 and 15.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return new ProcessSample(
            DateTime.UtcNow,
            Field("VmRSS:") / 1024,
            (int)Field("Threads:"),
            Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count(),
            ticks / ClockTicksPerSecond)
        {
            AnonMegabytes = Field("RssAnon:") / 1024,
            FileMegabytes = Field("RssFile:") / 1024,
            SharedMegabytes = Field("RssShmem:") / 1024,
        };
    }
}
