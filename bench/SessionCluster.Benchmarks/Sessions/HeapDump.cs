using System.Diagnostics;

namespace SessionCluster.Benchmarks.Sessions;

/// <summary>
/// A heap snapshot of this process while the sessions are idle, for the per-session breakdown by type:
/// <c>dotnet-gcdump collect</c> (the tool from $DOTNET_GCDUMP, else on PATH); read it with <c>dotnet-gcdump report</c>.
/// </summary>
internal static class HeapDump
{
    public static async Task CollectAsync(string path)
    {
        var tool = Environment.GetEnvironmentVariable("DOTNET_GCDUMP") ?? "dotnet-gcdump";
        var start = new ProcessStartInfo(tool, ["collect", "-p", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Console.WriteLine($"[gcdump] exit {process.ExitCode}: {output.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.WriteLine($"[gcdump] {tool} could not start: {e.Message}");
        }
    }
}
