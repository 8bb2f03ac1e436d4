using System.Diagnostics;
using System.Globalization;

namespace SessionCluster.ClusterBench.Soak;

/// <summary>
/// The node's managed heap over the run, from the .NET runtime's own counters: <c>dotnet-counters collect</c> (the
/// dotnet-counters global tool, when installed) writes the System.Runtime meter to counters.csv every sample. RSS
/// says what the process holds; the heap size after each collection says whether live objects grow, which a server
/// GC that keeps freed memory for reuse hides from RSS. Without the tool the run goes on with RSS alone.
/// </summary>
internal sealed class RuntimeCounters
{
    private const string HeapSize = "dotnet.gc.last_collection.heap.size";

    private readonly Process? _collector;

    private RuntimeCounters(Process? collector, string file)
    {
        _collector = collector;
        File = file;
    }

    public string File { get; }

    public bool Collecting => _collector is not null;

    /// <summary>Starts collecting from <paramref name="pid"/> for <paramref name="duration"/>, or nothing when the tool is not installed.</summary>
    public static RuntimeCounters Start(int pid, string folder, int sampleSeconds, TimeSpan duration)
    {
        var file = Path.Combine(folder, "counters.csv");
        var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-counters");
        if (!System.IO.File.Exists(tool))
        {
            return new RuntimeCounters(null, file);
        }

        var start = new ProcessStartInfo(tool)
        {
            ArgumentList =
            {
                "collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "--counters", "System.Runtime", "--format", "csv", "-o", file,
                "--refresh-interval", sampleSeconds.ToString(CultureInfo.InvariantCulture), "--duration", duration.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_ROLL_FORWARD"] = "Major";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RuntimeCounters(process, file);
    }

    /// <summary>Waits for the collection to end by its duration and write its file (a killed collector writes nothing).</summary>
    public async Task StopAsync()
    {
        if (_collector is null)
        {
            return;
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await _collector.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _collector.Kill();
            throw new TimeoutException("dotnet-counters did not end 2 minutes after its duration");
        }
    }

    /// <summary>The managed heap after each collection, all generations summed, per sample time (MB).</summary>
    public IReadOnlyList<(DateTime At, double Megabytes)> HeapAfterCollections()
    {
        if (!System.IO.File.Exists(File))
        {
            return [];
        }

        return System.IO.File.ReadLines(File).Skip(1)
            .Select(line => line.Split(','))
            .Where(f => f.Length == 5 && f[2].StartsWith(HeapSize, StringComparison.Ordinal))
            .GroupBy(f => DateTime.ParseExact(f[0], "MM/dd/yyyy HH:mm:ss", CultureInfo.InvariantCulture))
            .Select(g => (g.Key, g.Sum(f => double.Parse(f[4], CultureInfo.InvariantCulture)) / (1024 * 1024)))
            .Where(s => s.Item2 > 0)
            .OrderBy(s => s.Key)
            .ToList();
    }
}
