using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace SessionCluster.TestSupport;

/// <summary>POSIX signals to a child process (Process.Kill only sends SIGKILL): what Kubernetes and Ctrl+C send a node.</summary>
public static class ProcessSignals
{
    /// <summary>Sends <paramref name="signal"/> (TERM, INT, QUIT…) with kill(1); fails the test if kill does.</summary>
    public static async Task SendAsync(Process process, string signal)
    {
        ArgumentNullException.ThrowIfNull(process);
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Kills the process tree if it still runs and disposes it.</summary>
    public static async ValueTask KillAndDisposeAsync(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
