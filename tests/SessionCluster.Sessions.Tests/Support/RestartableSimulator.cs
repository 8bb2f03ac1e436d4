using SessionCluster.Simulator;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>
/// The in-process simulator with a data folder, which a test stops (the server goes away with every connection) and
/// starts again on the same port and data (the server is back); disposing stops whichever host is running.
/// </summary>
internal sealed class RestartableSimulator : IAsyncDisposable
{
    private readonly SimulatorOptions _options;
    private readonly int _port;
    private bool _running = true;

    private RestartableSimulator(SimulatorHost host, SimulatorOptions options)
    {
        Host = host;
        _options = options;
        _port = new Uri(host.WebSocketUrl).Port;
    }

    /// <summary>The host running now (or, after <see cref="StopAsync"/>, the one stopped).</summary>
    public SimulatorHost Host { get; private set; }

    public static async Task<RestartableSimulator> StartAsync(string dataFolder)
    {
        var options = new SimulatorOptions { DataFolder = dataFolder };
        return new RestartableSimulator(await Simulators.StartAsync(options), options);
    }

    public async Task StopAsync()
    {
        _running = false;
        await Host.DisposeAsync();
    }

    /// <summary>A new host on the same port and data folder.</summary>
    public async Task<SimulatorHost> StartAgainAsync()
    {
        Host = await Simulators.StartAsync(_options with { Urls = [$"http://127.0.0.1:{_port}"] });
        _running = true;
        return Host;
    }

    public async ValueTask DisposeAsync()
    {
        if (_running)
        {
            await Host.DisposeAsync();
        }
    }
}
