using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SessionCluster.Persistence.Tests.Recovery;

/// <summary>
/// Runs tests/SessionCluster.Persistence.CrashWriter, counts the events it reports as confirmed, and kills it with
/// SIGKILL (no shutdown, no flush, no finally) once enough have been confirmed.
/// </summary>
internal static class CrashWriterProcess
{
    /// <summary>The last confirmed count per persistence id when the process died, and how many lines were read in total.</summary>
    public static async Task<(Dictionary<string, long> Confirmed, int Lines)> RunAndKillAsync(string engine, string target, int counters, int killAfter)
    {
        var writer = Path.Combine(AppContext.BaseDirectory, "SessionCluster.Persistence.CrashWriter.dll");
        if (!File.Exists(writer))
        {
            throw new FileNotFoundException("The crash writer was not built beside the tests.", writer);
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { writer, engine, target, counters.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The crash writer did not start.");
        var errors = process.StandardError.ReadToEndAsync();
        var confirmed = new Dictionary<string, long>();
        var lines = 0;
        var pending = new StringBuilder();
        var buffer = new char[8192];
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var killed = false;
        while (true)
        {
            var read = await process.StandardOutput.ReadAsync(buffer, deadline.Token);
            if (read == 0)
            {
                break;
            }

            pending.Append(buffer, 0, read);
            var text = pending.ToString();
            var end = text.LastIndexOf('\n');
            if (end < 0)
            {
                continue;
            }

            // Only whole lines count: the kill may cut the last one short.
            foreach (var line in text[..end].Split('\n'))
            {
                var parts = line.Split(' ');
                if (parts.Length != 3 || parts[0] != "confirmed")
                {
                    throw new InvalidDataException($"Unexpected crash-writer line '{line}'.");
                }

                var count = long.Parse(parts[2], CultureInfo.InvariantCulture);
                Assert.True(count == confirmed.GetValueOrDefault(parts[1]) + 1, $"{parts[1]} confirmed {count} out of order");
                confirmed[parts[1]] = count;
                lines++;
            }

            pending.Clear().Append(text, end + 1, text.Length - end - 1);
            if (!killed && lines >= killAfter)
            {
                process.Kill(entireProcessTree: true);
                killed = true;
            }
        }

        await process.WaitForExitAsync(deadline.Token);
        if (!killed)
        {
            throw new InvalidOperationException($"The crash writer exited by itself with {process.ExitCode} after {lines} lines: {await errors}");
        }

        return (confirmed, lines);
    }
}
