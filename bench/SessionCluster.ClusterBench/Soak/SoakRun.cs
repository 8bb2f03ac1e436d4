using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using SessionCluster.Host.Tests;

namespace SessionCluster.ClusterBench.Soak;

/// <summary>
/// The soak (docs/BENCHMARKS.md "Soak (issue 15)"): one node process of the built executable (embedded SQLite, its
/// own temp data folder) against the simulator process bench/run-soak.sh started; N sessions created and linked by QR
/// through the node's API; then steady traffic for the given minutes while the node's process is sampled from /proc
/// and the latencies are timed per window. Writes timeline.csv, summary.md and node.log to the run folder; the exit
/// code is 0 when every criterion passed, 1 when one failed.
/// </summary>
internal static class SoakRun
{
    public static async Task<int> RunAsync(SoakOptions options)
    {
        var data = Directory.CreateTempSubdirectory("sessioncluster-soak-").FullName;
        var adminKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(33));
        var environment = new Dictionary<string, string>
        {
            ["SC__Secrets__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["SC__Edge__AdminKey"] = adminKey,
            ["SC__WhatsApp__ServerUrl"] = options.WebSocketUrl,
            ["SC__WhatsApp__RootPublicKey"] = options.RootKey,
        };
        if (options.WebSocketUrl.StartsWith("wss:", StringComparison.Ordinal))
        {
            using var http = new HttpClient();
            var pem = Path.Combine(data, "simulator.pem");
            await File.WriteAllTextAsync(pem, await http.GetStringAsync(options.AdminUrl.TrimEnd('/') + "/tls/certificate"));
            environment["SC__WhatsApp__TrustedCertificateFile"] = pem;
        }

        var setup = Stopwatch.StartNew();
        var node = NodeProcess.Start(data, environment);
        try
        {
            using var clients = new SoakClients(await node.HttpAddressAsync(), adminKey, options.AdminUrl);
            await WaitReadyAsync(clients.Node);
            Report($"node pid {node.Id} ready in {setup.Elapsed.TotalSeconds:F1} s (embedded SQLite in {data})");
            var idle = ProcessSample.Take(node.Id);
            await LinkAllAsync(clients, options);
            var linked = ProcessSample.Take(node.Id);
            var setupSeconds = setup.Elapsed.TotalSeconds;
            Report(F($"set-up done in {setupSeconds:F0} s; RSS {idle.RssMegabytes:F0} MB before linking, {linked.RssMegabytes:F0} MB with {options.Sessions} sessions"));

            var (windows, notes, live) = await SoakAsync(node.Id, clients, options);
            var criteria = SoakVerdict.Judge(windows, options.WarmupMinutes * 60, options.SampleSeconds);
            if (live is { } heap)
            {
                criteria.Add(SoakVerdict.LiveHeap(heap.Start, heap.End));
            }
            await File.WriteAllTextAsync(Path.Combine(options.Output, "summary.md"), Summary(options, setupSeconds, idle, linked, windows, criteria, notes));
            foreach (var criterion in criteria)
            {
                Report($"{(criterion.Passed ? "PASS" : "FAIL")}  {criterion.Name}: {criterion.Measured}");
            }

            return criteria.All(c => c.Passed) ? 0 : 1;
        }
        finally
        {
            if (!node.HasExited)
            {
                await node.TerminateAsync();
            }

            await File.WriteAllTextAsync(Path.Combine(options.Output, "node.log"), node.Output);
            await node.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task WaitReadyAsync(HttpClient node)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            using var response = await node.GetAsync("/health/ready");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"the node was not ready in 90 s: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            await Task.Delay(250);
        }
    }

    private static async Task LinkAllAsync(SoakClients clients, SoakOptions options)
    {
        for (var f = 0; f < options.Friends; f++)
        {
            await clients.CreateAccountAsync(SoakClients.FriendPhone(f));
        }

        var started = Stopwatch.StartNew();
        var durations = new List<double>();
        using var gate = new SemaphoreSlim(options.Parallel);
        await Task.WhenAll(Enumerable.Range(0, options.Sessions).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var one = Stopwatch.StartNew();
                await clients.CreateAccountAsync(SoakClients.SessionPhone(i));
                await clients.LinkAsync(SoakClients.SessionName(i), SoakClients.SessionPhone(i));
                lock (durations)
                {
                    durations.Add(one.Elapsed.TotalMilliseconds);
                    if (durations.Count % 100 == 0)
                    {
                        Report($"linked {durations.Count} of {options.Sessions} ({started.Elapsed.TotalSeconds:F0} s)");
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        var sorted = durations.Order().ToArray();
        Report(F($"linked {options.Sessions} sessions in {started.Elapsed.TotalSeconds:F0} s ({options.Parallel} at a time; per session p50 {SoakWindow.Percentile(sorted, 0.5):F0} ms, p99 {SoakWindow.Percentile(sorted, 0.99):F0} ms)"));
    }

    private static async Task<(List<SoakWindow> Windows, List<string> Notes, (LiveSample Start, LiveSample End)? Live)> SoakAsync(int pid, SoakClients clients, SoakOptions options)
    {
        LiveSample? liveStart = null;
        LiveSample? liveEnd = null;
        var latencies = new Latencies();
        var feed = new EventFeed(clients.Stream, latencies);
        var traffic = new SoakTraffic(clients, latencies, options);
        var timeline = Path.Combine(options.Output, "timeline.csv");
        await File.WriteAllTextAsync(timeline, SoakWindow.CsvHeader() + "\n");
        var windows = new List<SoakWindow>();
        var start = Stopwatch.GetTimestamp();
        var previous = ProcessSample.Take(pid);
        var counters = RuntimeCounters.Start(pid, options.Output, options.SampleSeconds, TimeSpan.FromMinutes(options.Minutes) + TimeSpan.FromSeconds(10));
        var warmupEnds = DateTime.Now + TimeSpan.FromMinutes(options.WarmupMinutes);
        feed.Start();
        traffic.Start();
        Report(F($"traffic: {options.Rate} messages/s (half API sends, half from phones), {options.RestartsPerMinute} restarts/min, {options.Minutes} min ({options.WarmupMinutes} warm-up), a sample every {options.SampleSeconds} s"));
        if (options.WarmupMinutes * 60 < 2 * options.RoundSeconds)
        {
            // Memory grows until every session has sent and received once (its first contact: prekey bundles, new
            // ratchets, chat rows); a warm-up shorter than that counts this growth as drift.
            Report(F($"warning: the warm-up is shorter than two rounds of the sessions ({2 * options.RoundSeconds:F0} s at this rate): first contacts will count as growth"));
        }
        for (var i = 1; i * options.SampleSeconds <= options.Minutes * 60; i++)
        {
            var wait = TimeSpan.FromSeconds(i * options.SampleSeconds) - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var (completed, lost) = latencies.Drain();
            var sample = ProcessSample.Take(pid);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            var window = new SoakWindow(elapsed, elapsed < options.WarmupMinutes * 60, sample,
                100 * (sample.CpuSeconds - previous.CpuSeconds) / (sample.At - previous.At).TotalSeconds,
                completed, lost, latencies.Outstanding, traffic.Sent, traffic.Skipped, traffic.Failed);
            previous = sample;
            windows.Add(window);
            await File.AppendAllTextAsync(timeline, window.CsvRow() + "\n");
            if (LiveHeap.Available && liveStart is null && !window.WarmingUp)
            {
                liveStart = await MeasureLiveAsync(pid, options, "warmup-end");
            }

            Report(F($"{elapsed,5:F0} s{(window.WarmingUp ? " (warm-up)" : "")}: RSS {sample.RssMegabytes:F0} MB (anon {sample.AnonMegabytes:F0}, file {sample.FileMegabytes:F0}, shmem {sample.SharedMegabytes:F0}), {sample.Threads} threads, {sample.Handles} handles, CPU {window.CpuPercent:F0} %; ")
                + string.Join(", ", Enum.GetValues<LatencyKind>().Select(k => F($"{k} n={completed[k].Length} p50 {SoakWindow.Percentile(completed[k], 0.5):F0} p99 {window.P99(k):F0} ms")))
                + F($"; sent {traffic.Sent}, skipped {traffic.Skipped}, failed {traffic.Failed}, restarts {traffic.Restarts}, outstanding {latencies.Outstanding}, lost {lost.Values.Sum()}"));
        }

        if (LiveHeap.Available)
        {
            liveEnd = await MeasureLiveAsync(pid, options, "end");
        }
        else
        {
            Report("dotnet-gcdump is not installed (dotnet tool install -g dotnet-gcdump): no live heap measured");
        }

        await traffic.StopAsync();
        await feed.StopAsync();
        if (traffic.FirstError is { } error)
        {
            Report($"first failed request: {error}");
        }

        if (feed.Reopened > 0)
        {
            Report($"the event stream was opened again {feed.Reopened} times (last error: {feed.LastError ?? "it ended"})");
        }

        var notes = new List<string>();
        foreach (var lost in latencies.LostMessages.Take(50))
        {
            // Was it never written, or written and not streamed? The session's own log says which.
            var events = await clients.EventsOfMessageAsync(lost.Session, lost.Id);
            notes.Add($"Lost {lost.Kind} {lost.Id} of {lost.Session}: its events in the session's log: {(events.Count == 0 ? "none" : string.Join(", ", events))}");
            Report(notes[^1]);
        }

        await counters.StopAsync();
        var heap = counters.HeapAfterCollections();
        var afterWarmup = heap.Where(h => h.At >= warmupEnds).ToList();
        if (afterWarmup.Count > 0)
        {
            notes.Add(F($"Managed heap after the last collection (dotnet-counters, all generations): {afterWarmup[0].Megabytes:F0} MB at the end of the warm-up, {afterWarmup[^1].Megabytes:F0} MB at the end ({100 * (afterWarmup[^1].Megabytes / afterWarmup[0].Megabytes - 1):+0.0;-0.0} %), least {afterWarmup.Min(h => h.Megabytes):F0} MB, most {afterWarmup.Max(h => h.Megabytes):F0} MB over {afterWarmup.Count} samples (counters.csv)."));
            Report(notes[^1]);
        }
        else
        {
            Report(counters.Collecting ? "dotnet-counters wrote no heap sample after the warm-up" : "dotnet-counters is not installed (dotnet tool install -g dotnet-counters): RSS only");
        }

        return (windows, notes, liveStart is { } a && liveEnd is { } b ? (a, b) : null);
    }

    /// <summary>A full collection by dotnet-gcdump, its live heap, and the node's RSS a few seconds later.</summary>
    private static async Task<LiveSample> MeasureLiveAsync(int pid, SoakOptions options, string name)
    {
        var megabytes = await LiveHeap.MeasureAsync(pid, Path.Combine(options.Output, $"{name}.gcdump"));
        await Task.Delay(TimeSpan.FromSeconds(5));
        var sample = new LiveSample(megabytes, ProcessSample.Take(pid).RssMegabytes);
        Report(F($"live managed heap after a full GC ({name}): {sample.HeapMegabytes:F1} MB; RSS 5 s later {sample.RssMegabytes:F0} MB"));
        return sample;
    }

    private static string Summary(SoakOptions options, double setupSeconds, ProcessSample idle, ProcessSample linked, List<SoakWindow> windows, List<SoakCriterion> criteria, List<string> notes)
    {
        var lines = new List<string>
        {
            $"# Soak: {options.Sessions} sessions, {options.Minutes} min ({options.WarmupMinutes} min warm-up)",
            "",
            F($"Traffic {options.Rate} messages/s (half API sends, half from simulated phones; every session sends and receives once per {options.RoundSeconds:F0} s), {options.RestartsPerMinute} session restarts/min, a sample every {options.SampleSeconds} s."),
            F($"Set-up (node start, {options.Sessions} sessions created and linked) {setupSeconds:F0} s; node RSS {idle.RssMegabytes:F0} MB before linking, {linked.RssMegabytes:F0} MB linked, {linked.Threads} threads, {linked.Handles} handles."),
            F($"Sent {windows.LastOrDefault()?.Sent ?? 0} messages, {windows.LastOrDefault()?.Skipped ?? 0} skipped (over {SoakTraffic.MaxInFlight} in flight), {windows.LastOrDefault()?.Failed ?? 0} failed requests."),
            "",
            "| criterion | measured (after warm-up) | result |",
            "|---|---|---|",
        };
        lines.AddRange(criteria.Select(c => $"| {c.Name} | {c.Measured} | {(c.Passed ? "PASS" : "FAIL")} |"));
        lines.Add("");
        lines.Add($"Overall: {(criteria.All(c => c.Passed) ? "PASS" : "FAIL")}. The timeline, one row per sample: timeline.csv.");
        lines.AddRange(notes.SelectMany(n => new[] { "", n }));
        return string.Join('\n', lines) + "\n";
    }

    private static void Report(string line) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
