using Microsoft.Extensions.Hosting;

namespace SessionCluster.Simulator;

/// <summary>
/// The lifetime of the simulator's web applications: no signal handlers, nothing to wait for. Whoever owns the
/// process (Program.cs, a test) decides when to stop and disposes the host. ASP.NET Core's default ConsoleLifetime
/// would take SIGTERM, SIGINT and SIGQUIT for itself, cancel the process's termination and stop only its web
/// application, so the owner never learnt of the signal and the process ran on until SIGKILL.
/// </summary>
internal sealed class OwnerLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
