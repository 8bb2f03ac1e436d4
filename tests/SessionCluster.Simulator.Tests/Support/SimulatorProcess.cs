using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using SessionCluster.TestSupport;

namespace SessionCluster.Simulator.Tests.Support;

/// <summary>
/// The built simulator executable (SessionCluster.Simulator.dll, copied beside the tests because they reference the
/// project) run as its own process on a free port: its console lines are kept, its URLs and root key read from the
/// lines it prints at start, and it is stopped with a signal as Kubernetes, docker stop or Ctrl+C stop it.
/// </summary>
internal sealed class SimulatorProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SimulatorProcess(Process process) => _process = process;

    public string Output => string.Join('\n', _lines);

    public string WebSocketUrl { get; private set; } = "";

    public string AdminUrl { get; private set; } = "";

    public byte[] RootPublicKey { get; private set; } = [];

    /// <summary>Starts <c>dotnet SessionCluster.Simulator.dll --port 0 --data <paramref name="dataFolder"/></c> and waits for its start lines.</summary>
    public static async Task<SimulatorProcess> StartAsync(string dataFolder)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataFolder,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "SessionCluster.Simulator.dll"), "--port", "0", "--data", dataFolder })
        {
            start.ArgumentList.Add(argument);
        }

        var simulator = new SimulatorProcess(new Process { StartInfo = start });
        simulator._process.OutputDataReceived += (_, e) => simulator.OnLine(e.Data);
        simulator._process.ErrorDataReceived += (_, e) => simulator.OnLine(e.Data);
        simulator._process.Start();
        simulator._process.BeginOutputReadLine();
        simulator._process.BeginErrorReadLine();
        var first = await Task.WhenAny(simulator._started.Task, simulator._process.WaitForExitAsync(), Task.Delay(StartDeadline));
        if (first != simulator._started.Task)
        {
            await simulator.DisposeAsync();
            throw new TimeoutException($"The simulator printed no start lines (exited: {simulator._process.HasExited}). Output:\n{simulator.Output}");
        }

        return simulator;
    }

    /// <summary>
    /// Sends <paramref name="signal"/> (TERM, INT, QUIT) with kill(1) and waits at most <paramref name="deadline"/>
    /// for the process to exit; returns its exit code, or null when it still runs.
    /// </summary>
    public async Task<int?> SignalAsync(string signal, TimeSpan deadline)
    {
        await ProcessSignals.SendAsync(_process, signal);

        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return null;
        }

        return _process.ExitCode;
    }

    public ValueTask DisposeAsync() => ProcessSignals.KillAndDisposeAsync(_process);

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        if (line.StartsWith("WebSocket:", StringComparison.Ordinal))
        {
            WebSocketUrl = line["WebSocket:".Length..].Trim();
        }
        else if (line.StartsWith("Admin:", StringComparison.Ordinal))
        {
            AdminUrl = line["Admin:".Length..].Trim();
        }
        else if (line.StartsWith("Root key:", StringComparison.Ordinal))
        {
            // The last of the lines the tests need; Program.cs prints them in this order.
            RootPublicKey = Convert.FromHexString(line["Root key:".Length..].Trim());
            _started.TrySetResult();
        }
    }
}
