using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using SessionCluster.Simulator;

namespace SessionCluster.Edge.Tests.Webhooks;

/// <summary>
/// The node's executable (SessionCluster.Host.dll, copied beside these tests) as a process of its own on a data folder,
/// its sessions pointed at a simulator in the test process: what a crash test needs to kill it with SIGKILL
/// (<see cref="Process.Kill()"/> sends SIGKILL on Linux) and start it again on the same folder.
/// </summary>
internal sealed partial class NodeExecutable : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private NodeExecutable(Process process) => _process = process;

    public HttpClient Http { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(80));
            }
        }
    }

    public static async Task<NodeExecutable> StartAsync(string dataFolder, SimulatorHost simulator)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dataFolder };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "SessionCluster.Host.dll"), "--data", dataFolder, "--SC:Node:HttpUrl=http://127.0.0.1:0", "--SC:Node:RemotingPort=0",
            $"--SC:Edge:AdminKey={EdgeNode.AdminKey}", $"--SC:WhatsApp:ServerUrl={simulator.WebSocketUrl}",
            $"--SC:WhatsApp:RootPublicKey={Convert.ToHexString(simulator.RootPublicKey.Span)}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var node = new NodeExecutable(new Process { StartInfo = start });
        node._process.OutputDataReceived += (_, e) => node.Line(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.Line(e.Data);
        node._process.Start();
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        var address = await node._address.Task.WaitAsync(EdgeNode.Deadline);
        node.Http = new HttpClient { BaseAddress = address, Timeout = EdgeNode.Deadline };
        node.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", EdgeNode.AdminKey);
        return node;
    }

    /// <summary>SIGKILL: the node gets no chance to finish a post, write a cursor or flush anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Line(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _address.TrySetResult(new Uri(match.Groups["url"].Value));
        }
    }

    [GeneratedRegex(@"Node listening: HTTP \\?""?(?<url>https?://[^,\s""\\]+)")]
    private static partial Regex ListeningLine();
}
