using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using SessionCluster.Simulator;

// The simulator's command line: --urls <url;url> | --port <n>, --tls [--tls-port <n>], --data <folder>.
// It prints the WebSocket URL and the root public key clients must trust (and, under --tls, where the certificate
// to pin is), then serves until SIGTERM, SIGINT (Ctrl+C) or SIGQUIT.
CommandLine parsed;
try
{
    parsed = CommandLine.Parse(args);
}
catch (CommandLineException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    await Console.Error.WriteLineAsync(CommandLine.Usage);
    return 2;
}

if (parsed.ShowHelp)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

SimulatorHost started;
try
{
    started = await SimulatorHost.StartAsync(parsed.Options, configureLogging: logging =>
    {
        logging.AddSimpleConsole(console => console.SingleLine = true);
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
    });
}
catch (Exception e) when (e is IOException or SessionCluster.Simulator.Accounts.AccountFileException or UnauthorizedAccessException)
{
    // IOException covers Kestrel's "address already in use".
    await Console.Error.WriteLineAsync("The simulator could not start: " + e.Message);
    return 1;
}

await using var host = started;
Console.WriteLine($"WebSocket: {host.WebSocketUrl}");
Console.WriteLine($"Admin:     {host.AdminUrl}");
Console.WriteLine($"Root key:  {Convert.ToHexStringLower(host.RootPublicKey.Span)}");
if (parsed.Options.Tls)
{
    Console.WriteLine($"TLS cert:  {host.AdminUrl}/tls/certificate (PEM; pin it, e.g. as the only trusted CA)");
}

Console.WriteLine(parsed.Options.DataFolder is null ? "Accounts:  in memory" : $"Accounts:  {parsed.Options.DataFolder}");

// This is the one place that owns shutdown: the hosts register no signal handlers (OwnerLifetime). The first
// SIGTERM (docker stop, Kubernetes), SIGINT (Ctrl+C) or SIGQUIT cancels the default termination and disposes the
// host below, which closes every connection and writes --data; a second signal terminates at once.
using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext signal)
{
    signal.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
}

using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onQuit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.WriteLine("Stopping.");
}

return 0;
