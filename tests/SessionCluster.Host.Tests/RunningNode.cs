using Microsoft.AspNetCore.Builder;
using System.Net;

namespace SessionCluster.Host.Tests;

/// <summary>
/// A real node started in this process (<see cref="NodeHost.Build"/>, the same composition the executable runs) on
/// 127.0.0.1 with free HTTP and remoting ports and a temp data folder, stopped and deleted on dispose.
/// </summary>
internal sealed class RunningNode : IAsyncDisposable
{
    /// <summary>How long a test waits for the node to reach a state before it fails: a deadline, not a speed claim.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;

    private RunningNode(WebApplication app, string dataFolder, HttpClient http)
    {
        _app = app;
        DataFolder = dataFolder;
        Http = http;
    }

    public string DataFolder { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RunningNode> StartAsync(params string[] extraArgs)
    {
        var data = Directory.CreateTempSubdirectory("sessioncluster-node-").FullName;
        string[] args = ["--data", data, "--SC:Node:HttpUrl=http://127.0.0.1:0", "--SC:Node:RemotingPort=0", .. extraArgs];
        var app = NodeHost.Build(args);
        await app.StartAsync();
        var http = new HttpClient { BaseAddress = new Uri(app.HttpAddresses().Single()), Timeout = TimeSpan.FromSeconds(30) };
        return new RunningNode(app, data, http);
    }

    /// <summary>Polls <paramref name="path"/> until it answers <paramref name="status"/>; returns that response's body.</summary>
    public Task<string> WaitForAsync(string path, HttpStatusCode status) => WaitForAsync(Http, path, status);

    public static async Task<string> WaitForAsync(HttpClient http, string path, HttpStatusCode status)
    {
        var until = DateTime.UtcNow + Deadline;
        var last = "(no answer yet)";
        while (DateTime.UtcNow < until)
        {
            try
            {
                using var response = await http.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == status)
                {
                    return body;
                }

                last = $"{(int)response.StatusCode} {body}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{path} did not answer {(int)status} within {Deadline}; last: {last}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(DataFolder, recursive: true);
    }
}
