using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using SessionCluster.Host;

namespace SessionCluster.Cli.Tests;

/// <summary>
/// A real node (<see cref="NodeHost.Build"/>, the executable's composition) on free loopback ports with a temp data
/// folder and a known admin key, and scctl's arguments to reach it.
/// </summary>
public sealed class ScctlNode : IAsyncLifetime
{
    /// <summary>How long a test waits for the node to reach a state: a deadline, not a speed claim.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public const string AdminKey = "scctl-test-admin-key-0123456789abcdefghijklmnopqrstuvwxyz";

    private readonly string[] _extraArgs;
    private WebApplication? _app;

    public ScctlNode()
        : this([])
    {
    }

    /// <summary>A node with more command-line settings (last wins): another persistence engine or provider.</summary>
    internal ScctlNode(params string[] extraArgs) => _extraArgs = extraArgs;

    public string DataFolder { get; } = Directory.CreateTempSubdirectory("sessioncluster-scctl-").FullName;

    public string Url { get; private set; } = "";

    /// <summary>The node's address with the admin key, for setting up what a test reads through scctl.</summary>
    public HttpClient Http { get; private set; } = null!;

    public WebApplication App => _app ?? throw new InvalidOperationException("The node is not started.");

    /// <summary><c>--url</c> and <c>--admin-key</c> for this node, then <paramref name="args"/>.</summary>
    public string[] Args(params string[] args) => ["--url", Url, "--admin-key", AdminKey, .. args];

    public Task<ScctlRun> RunAsync(params string[] args) => ScctlRun.RunAsync(Args(args));

    public async Task InitializeAsync()
    {
        _app = NodeHost.Build([
            "--data", DataFolder, "--SC:Node:HttpUrl=http://127.0.0.1:0", "--SC:Node:RemotingPort=0", $"--SC:Edge:AdminKey={AdminKey}", .. _extraArgs,
        ]);
        await _app.StartAsync();
        Url = _app.HttpAddresses().Single();
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        await WaitUntilAsync(async () => await RunAsync("--json", "node", "show") is { ExitCode: 0 } run && run.Json().GetProperty("status").GetString() == "up", "the node is Up");
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after <see cref="Deadline"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"not within {Deadline}: {what}");
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(DataFolder, recursive: true);
    }
}
