using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SessionCluster.ClusterBench.Soak;

/// <summary>
/// The node's live managed objects, measured from outside with <c>dotnet-gcdump</c> (the global tool, when installed):
/// a dump makes the runtime run a full blocking collection and walk what survived, and <c>dotnet-gcdump report</c>
/// sums it ("GC Heap bytes"). Unlike RSS, or the heap size after whichever collection ran last, this is not moved by
/// garbage a server GC with plenty of memory has not collected yet, so it says whether the node keeps more over time.
/// The dump pauses the node for its collection (under a second at this size).
/// </summary>
internal static partial class LiveHeap
{
    private static readonly string Tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-gcdump");

    public static bool Available => File.Exists(Tool);

    /// <summary>The live managed heap of <paramref name="pid"/> in MB, its dump written to <paramref name="dumpFile"/>.</summary>
    public static async Task<double> MeasureAsync(int pid, string dumpFile)
    {
        await RunAsync("collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", dumpFile);
        var report = await RunAsync("report", dumpFile);
        var total = HeapBytes().Match(report);
        if (!total.Success)
        {
            throw new InvalidOperationException($"dotnet-gcdump report printed no \"GC Heap bytes\" line:\n{report}");
        }

        return long.Parse(total.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) / (1024.0 * 1024);
    }

    private static async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ROLL_FORWARD"] = "Major";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet-gcdump {arguments[0]} exited {process.ExitCode}: {await error}");
        }

        return await output;
    }

    [GeneratedRegex(@"^\s*([\d,]+)\s+GC Heap bytes", RegexOptions.Multiline)]
    private static partial Regex HeapBytes();
}
