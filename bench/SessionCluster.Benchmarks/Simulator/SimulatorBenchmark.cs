using System.Diagnostics;
using System.Globalization;
using System.Text;
using SessionCluster.Simulator;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Benchmarks.Simulator;

/// <summary>
/// <c>--simulator [--connections 1000,5000,9000] [--seconds 10] [--pairs 1,10,100] [--window 8] [--payload 128]
/// [--login-concurrency 64] [--accounts 50] [--out summary.md]</c> (docs/BENCHMARKS.md, "Simulator"): how many
/// logged-in connections the simulator holds and how many 1:1 stanzas it relays per second, so that load tests know
/// whether it is their bottleneck. The simulator runs embedded (<see cref="SimulatorHost"/> on loopback) and the
/// clients are the simulator tests' own (<see cref="TestConnection"/>, <see cref="TestDevice"/>), in the same
/// process: client and server share the machine's cores, so every figure is a lower bound for the server alone.
/// </summary>
internal static class SimulatorBenchmark
{
    public const string Option = "--simulator";

    public static async Task<int> RunAsync(string[] args)
    {
        var connections = Ints(args, "--connections", [1_000, 5_000, 9_000]);
        var pairs = Ints(args, "--pairs", [1, 10, 100]);
        var seconds = BenchArgs.Double(args, "--seconds", 10);
        var window = BenchArgs.Int(args, "--window", 8);
        var payloadBytes = BenchArgs.Int(args, "--payload", 128);
        var loginConcurrency = BenchArgs.Int(args, "--login-concurrency", 64);
        var accounts = BenchArgs.Int(args, "--accounts", 50);
        var output = BenchArgs.String(args, "--out", null);
        if (accounts < 2 || accounts % 2 != 0)
        {
            await Console.Error.WriteLineAsync("--accounts must be even and at least 2 (pair i uses devices 2i and 2i+1, of different accounts).");
            return 2;
        }

        var measure = TimeSpan.FromSeconds(seconds);
        var warmUp = TimeSpan.FromSeconds(2);
        var report = new StringBuilder();
        await using var host = await TestSimulator.StartAsync();

        var linkCount = Math.Max(connections.Max(), 2 * pairs.Max());
        Log($"linking {linkCount:N0} companions across {accounts} accounts …");
        var linkStarted = Stopwatch.GetTimestamp();
        var devices = await LinkAsync(host, linkCount, accounts);
        var linkSeconds = Stopwatch.GetElapsedTime(linkStarted).TotalSeconds;
        Log($"linked in {linkSeconds:N1} s ({linkCount / linkSeconds:N0} links/s)");

        report.AppendLine(CultureInfo.InvariantCulture, $"Simulator embedded (SimulatorHost, loopback, no logging) and its clients in one process: {Environment.ProcessorCount} cores shared, " +
                                                        $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC. " +
                                                        $"Set-up (not measured): {linkCount:N0} companions linked across {accounts} accounts by QR through the admin API in {linkSeconds:N1} s.");
        report.AppendLine();
        report.AppendLine("### Connections held");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Logins: Noise XX + login ClientPayload + `<success>`, at most {loginConcurrency} in flight. Memory: after − before the logins, full GC; both ends of each connection. " +
                                                        $"Pings: `<iq xmlns=\"w:p\"><ping/>` round-robin at N / 30 s (every connection once per 30 s, as clients do) for {seconds:N0} s while all are held.");
        report.AppendLine();
        report.AppendLine("| connections | held (server count) | login failures | logins/s | login p50 / p99 | GC heap per conn. | working set per conn. | working set | pings | ping p50 / p99 / max | ping failures | dropped while held |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var ok = true;
        foreach (var count in connections)
        {
            Log($"holding {count:N0} connections …");
            var held = await HeldConnections.RunAsync(host, devices, count, loginConcurrency, measure);
            Log(held.ToString());
            ok &= held.PingFailures == 0 && held.ConnectionsFailedWhileHeld == 0;
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {held.Requested:N0} | {held.Held:N0} ({held.ServerConnections:N0}) | {held.LoginFailures:N0} | {held.LoginsPerSecond:N0} | {held.LoginP50Ms:N1} / {held.LoginP99Ms:N1} ms | " +
                $"{Kib(held.GcHeapBytesPerConnection)} | {Kib(held.WorkingSetBytesPerConnection)} | {held.WorkingSetMiB:N0} MiB | {held.Pings:N0} | " +
                $"{held.PingP50Ms:N2} / {held.PingP99Ms:N2} / {held.PingMaxMs:N1} ms | {held.PingFailures} | {held.ConnectionsFailedWhileHeld} |");
            if (held.FirstLoginError is { } error)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"|  | first login error: {error.Replace('|', '/')} | | | | | | | | | | |");
            }

            await SettleAsync(host);
        }

        report.AppendLine();
        report.AppendLine("### Stanzas relayed");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Each pair: two logged-in, active companions of different accounts sending each other 1:1 `<message>`s (`<participants><to jid><enc v=\"2\" type=\"msg\">` " +
                                                        $"with {payloadBytes} opaque bytes), {window} in flight per direction; the receiver acks each delivery. {warmUp.TotalSeconds:N0} s warm-up, {seconds:N0} s measured. " +
                                                        $"Ack latency: message sent → server `<ack>` received.");
        report.AppendLine();
        report.AppendLine("| pairs | connections | in flight | messages relayed/s | ack p50 / p99 / max | server stanzas in / out per s | sent | delivered and acked | messages still queued at end | connections failed |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in pairs)
        {
            Log($"relaying with {p} pair(s) …");
            var relay = await RelayThroughput.RunAsync(host, devices, p, window, payloadBytes, warmUp, measure);
            Log(relay.ToString());
            ok &= relay.DeliveredTotal == relay.SentTotal && relay.MessagesQueuedAtEnd == 0 && relay.ConnectionsFailed == 0;
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {p:N0} | {2 * p:N0} | {2 * p * window:N0} | {relay.MessagesPerSecond:N0} | {relay.AckP50Ms:N2} / {relay.AckP99Ms:N2} / {relay.AckMaxMs:N1} ms | {relay.ServerStanzasInPerSecond:N0} / {relay.ServerStanzasOutPerSecond:N0} | " +
                $"{relay.SentTotal:N0} | {relay.DeliveredTotal:N0} | {relay.MessagesQueuedAtEnd} | {relay.ConnectionsFailed} |");
            await SettleAsync(host);
        }

        var text = report.ToString();
        Console.WriteLine();
        Console.Write(text);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, text);
        }

        if (!ok)
        {
            await Console.Error.WriteLineAsync("A consistency check failed (ping failures, dropped connections, undelivered messages or a non-empty relay queue): see the tables.");
        }

        return ok ? 0 : 1;
    }

    /// <summary>
    /// Creates the accounts and links <paramref name="count"/> fresh companions by QR (registration, admin scan,
    /// pair-success answer, 515): device j belongs to account j mod <paramref name="accounts"/>, so devices 2i and 2i+1
    /// are always of different accounts. Accounts link in parallel, each account's devices one after the other.
    /// </summary>
    private static async Task<LinkedDevice[]> LinkAsync(SimulatorHost host, int count, int accounts)
    {
        var phones = Enumerable.Range(0, accounts).Select(i => (15_551_000_000L + i).ToString(CultureInfo.InvariantCulture)).ToArray();
        foreach (var phone in phones)
        {
            await TestSimulator.CreateAccountAsync(host, phone);
        }

        var devices = new LinkedDevice[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, accounts), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (a, _) =>
        {
            for (var j = a; j < count; j += accounts)
            {
                var device = new TestDevice();
                devices[j] = new LinkedDevice(phones[a], await TestLinking.LinkAsync(host, phones[a], device), device);
            }
        });
        return devices;
    }

    /// <summary>Waits until the simulator has closed the previous step's connections, so each step starts alike.</summary>
    private static async Task SettleAsync(SimulatorHost host)
    {
        var deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (await HeldConnections.ServerConnectionsAsync(host) > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(100);
        }

        await Task.Delay(1_000);
    }

    private static int[] Ints(string[] args, string name, int[] fallback) =>
        BenchArgs.String(args, name, null) is { } text
            ? [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(t => int.Parse(t, CultureInfo.InvariantCulture))]
            : fallback;

    private static string Kib(double bytes) => double.IsNaN(bytes) ? "–" : (bytes / 1024).ToString("N1", CultureInfo.InvariantCulture) + " KiB";

    private static void Log(string line) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
}
