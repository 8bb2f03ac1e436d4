using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using SessionCluster.TestSupport;

namespace SessionCluster.Host.Tests;

/// <summary>
/// The built node executable (SessionCluster.Host.dll, copied beside the tests with its appsettings.json and hocon/)
/// run as its own process with free ports: its console lines are kept, its HTTP address read from the start-up log
/// line, and it is stopped with SIGTERM as Kubernetes and systemd stop it.
/// </summary>
internal sealed partial class NodeProcess : IAsyncDisposable
{
    /// <summary>How long the node may take to start or stop: a deadline, not a speed claim.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly TaskCompletionSource<string> _httpAddress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeProcess(Process process) => _process = process;

    public string Output => string.Join('\n', _lines);

    public static NodeProcess Start(string dataFolder, IReadOnlyDictionary<string, string>? environment = null, int remotingPort = 0, IEnumerable<string>? extraArgs = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataFolder,
        };
        string[] arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "SessionCluster.Host.dll"), "--data", dataFolder,
            "--SC:Node:HttpUrl=http://127.0.0.1:0", $"--SC:Node:RemotingPort={remotingPort}", .. extraArgs ?? [],
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Launch(start);
    }

    /// <summary>Runs <paramref name="command"/> (program, then its arguments: a published node as an image's ENTRYPOINT says) in <paramref name="workingDirectory"/>.</summary>
    public static NodeProcess StartCommand(IReadOnlyList<string> command, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Launch(start);
    }

    private static NodeProcess Launch(ProcessStartInfo start)
    {
        var node = new NodeProcess(new Process { StartInfo = start });
        node._process.OutputDataReceived += (_, e) => node.OnLine(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.OnLine(e.Data);
        node._process.Start();
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        return node;
    }

    /// <summary>The HTTP address the node logged in its "Node listening" line (text, or JSON with the URL quoted).</summary>
    public async Task<Uri> HttpAddressAsync()
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_httpAddress.Task, exited, Task.Delay(Deadline));
        if (first != _httpAddress.Task)
        {
            throw new TimeoutException($"The node logged no 'Node listening' line (exited: {_process.HasExited}). Output:\n{Output}");
        }

        return new Uri(await _httpAddress.Task);
    }

    /// <summary>Waits for the process to exit by itself; returns its exit code.</summary>
    public async Task<int> ExitCodeAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM and waits for the process to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        await ProcessSignals.SendAsync(_process, "TERM");

        using var deadline = new CancellationTokenSource(Deadline);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    /// <summary>True once the process has exited (by itself, or killed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The operating system's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Sends <paramref name="signal"/> (KILL, STOP, CONT, TERM…) without waiting for anything.</summary>
    public Task SignalAsync(string signal) => ProcessSignals.SendAsync(_process, signal);

    /// <summary>Waits up to <paramref name="within"/> for the process to exit by itself; true when it did.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => ProcessSignals.KillAndDisposeAsync(_process);

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        var listening = Listening().Match(line);
        if (listening.Success)
        {
            _httpAddress.TrySetResult(listening.Groups["url"].Value);
        }
    }

    [GeneratedRegex(@"Node listening: HTTP \\?""?(?<url>https?://[^,\s""\\]+)")]
    private static partial Regex Listening();
}
