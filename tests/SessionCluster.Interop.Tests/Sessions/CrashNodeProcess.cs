using System.Diagnostics;
using System.Text;
using SessionCluster.Interop.Tests.Simulator;

namespace SessionCluster.Interop.Tests.Sessions;

/// <summary>
/// Runs tests/SessionCluster.Sessions.CrashNode (see its Program.cs for the commands and lines), collects its whole
/// stdout lines (a SIGKILL may cut the last one short: a line counts only once its newline arrived), and kills it
/// with SIGKILL (<see cref="Process.Kill(bool)"/> on Linux: no shutdown, no flush, no finally).
/// </summary>
internal sealed class CrashNodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();
    private readonly Task _reading;
    private readonly Task _stderr;

    private CrashNodeProcess(Process process, InteropLog log, string name)
    {
        _process = process;
        _reading = ReadStdoutAsync();
        _stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                log.Write($"{name} stderr: {line}");
            }
        });
    }

    /// <summary>Every whole line so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static CrashNodeProcess Start(InteropLog log, string name, params string[] arguments)
    {
        var node = Path.Combine(AppContext.BaseDirectory, "SessionCluster.Sessions.CrashNode.dll");
        if (!File.Exists(node))
        {
            throw new FileNotFoundException("The crash node was not built beside the tests.", node);
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(node);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The crash node did not start.");
        return new CrashNodeProcess(process, log, name);
    }

    public async Task CommandAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The first line from <paramref name="from"/> on that <paramref name="match"/> accepts; fails the test after <paramref name="timeout"/> or if the node exits.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan timeout, int from = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var lines = Lines;
            if (lines.Skip(from).FirstOrDefault(match) is { } line)
            {
                return line;
            }

            Assert.False(_reading.IsCompleted, $"The crash node exited while waiting for {what}; its last lines: {string.Join(" | ", lines.TakeLast(5))}");
            Assert.True(DateTime.UtcNow < deadline, $"Waited {timeout.TotalSeconds} s for {what}; the node's last lines: {string.Join(" | ", lines.TakeLast(5))}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds for the lines so far.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<string>, bool> done, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done(Lines))
        {
            Assert.False(_reading.IsCompleted, $"The crash node exited while waiting for {what}.");
            Assert.True(DateTime.UtcNow < deadline, $"Waited {timeout.TotalSeconds} s for {what}; the node's last lines: {string.Join(" | ", Lines.TakeLast(5))}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL, then waits for the process to be gone and its output read to the end.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        await _reading;
        await _stderr;
    }

    /// <summary>Asks the node to stop (<c>quit</c>) and waits for it to exit 0.</summary>
    public async Task QuitAsync()
    {
        await CommandAsync("quit");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(deadline.Token);
        await _reading;
        await _stderr;
        Assert.Equal(0, _process.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task ReadStdoutAsync()
    {
        var pending = new StringBuilder();
        var buffer = new char[8192];
        while (await _process.StandardOutput.ReadAsync(buffer) is var read and > 0)
        {
            pending.Append(buffer, 0, read);
            var text = pending.ToString();
            var end = text.LastIndexOf('\n');
            if (end < 0)
            {
                continue;
            }

            lock (_gate)
            {
                _lines.AddRange(text[..end].Split('\n'));
            }

            pending.Clear().Append(text, end + 1, text.Length - end - 1);
        }
    }
}
