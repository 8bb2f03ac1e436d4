using System.Diagnostics;
using System.Net.WebSockets;
using SessionCluster.Simulator.Tests.Support;
using Xunit.Abstractions;

namespace SessionCluster.Simulator.Tests;

/// <summary>
/// The simulator executable as Kubernetes, docker stop and a person at a terminal stop it: a signal, with clients
/// connected, must end the process cleanly and quickly, its connections closed and its --data written.
/// </summary>
public sealed class ProcessShutdownTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(5);

    private readonly string _data = Directory.CreateTempSubdirectory("sc-sim-shutdown-").FullName;

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    [InlineData("QUIT")]
    public async Task On_a_signal_the_simulator_process_closes_its_connections_keeps_its_accounts_and_exits_with_code_0_within_5_seconds(string signal)
    {
        await using var simulator = await SimulatorProcess.StartAsync(_data);
        using (var http = new HttpClient())
        using (var created = await http.PostAsync(simulator.AdminUrl + "/accounts", TestSimulator.Json(new { phone = "15550002222" })))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        }

        // A companion past the Noise handshake waiting to be linked (its WebSocketDuplexPipe answers the server's
        // WebSocket close only when disposed, so the stop waits out ShutdownTimeout: about 2 s measured), and a bare
        // WebSocket still in the Noise handshake that never reads.
        var device = new TestDevice();
        await using var registering = await TestConnection.ConnectAsync(simulator.WebSocketUrl, simulator.RootPublicKey, device.Noise, device.RegistrationPayload());
        Assert.Equal("iq", (await registering.ReceiveAsync()).Tag);
        using var idle = new ClientWebSocket();
        await idle.ConnectAsync(new Uri(simulator.WebSocketUrl), CancellationToken.None);

        var stopwatch = Stopwatch.StartNew();
        var exitCode = await simulator.SignalAsync(signal, StopDeadline);
        output.WriteLine($"SIG{signal}: exit code {exitCode} after {stopwatch.Elapsed.TotalSeconds:0.00} s");

        Assert.True(exitCode is not null, $"SIG{signal}: still running after {StopDeadline.TotalSeconds} s. Output:\n{simulator.Output}");
        Assert.True(exitCode == 0, $"SIG{signal}: exit code {exitCode} after {stopwatch.Elapsed}. Output:\n{simulator.Output}");
        await registering.AssertClosedAsync();
        Assert.Contains("15550002222", await File.ReadAllTextAsync(Path.Combine(_data, "accounts.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_idle_simulator_process_exits_with_code_0_within_5_seconds_of_SIGTERM()
    {
        await using var simulator = await SimulatorProcess.StartAsync(_data);

        var exitCode = await simulator.SignalAsync("TERM", StopDeadline);

        Assert.True(exitCode == 0, $"exit code {exitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none (still running)"}. Output:\n{simulator.Output}");
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
