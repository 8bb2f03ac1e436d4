using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using SessionCluster.Sessions;
using SessionCluster.Sessions.Connection;

namespace SessionCluster.Benchmarks.Sessions;

/// <summary>
/// <c>--sessions N --admin URL --ws URL --root HEX [--prefix 1555] [--link-concurrency 32] [--texts 2000]
/// [--inbound-concurrency 64] [--senders 100] [--send-rate 100] [--send-seconds 10] [--settle 10] [--connect-rate R --connect-burst B] [--simulator-pid P] [--gcdump PATH]
/// [--idle-only] [--malloc-trim] [--log-level Warning] [--out results.md]</c> (docs/BENCHMARKS.md, "Sessions (issue 11)"): N SessionActors on one ActorSystem (SQLite journal
/// in a temporary folder) against a simulator running in its own process over wss; bench/run-session-benchmarks.sh
/// starts that process. Phases: accounts; create (keys, no connection); link by QR; idle memory; inbound end to end;
/// send latency; node restart (every session reconnects by itself). <c>--idle-only</c> stops after the idle memory (the
/// memory work needs nothing after it, and the traffic phases take most of the run's time and CPU); <c>--malloc-trim</c>
/// adds an idle sample after glibc's <c>malloc_trim(0)</c>, to tell native memory held from native memory freed but kept.
/// </summary>
internal static class SessionLoadBenchmark
{
    public const string Option = "--sessions";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = BenchArgs.Int(args, Option, 1000);
        var prefix = BenchArgs.String(args, "--prefix", "1555")!;
        var linkConcurrency = BenchArgs.Int(args, "--link-concurrency", 32);
        var texts = BenchArgs.Int(args, "--texts", 2000);
        var inboundConcurrency = BenchArgs.Int(args, "--inbound-concurrency", 64);
        var senders = BenchArgs.Int(args, "--senders", 100);
        var sendRate = BenchArgs.Double(args, "--send-rate", 100);
        var sendSeconds = BenchArgs.Double(args, "--send-seconds", 10);
        var settle = TimeSpan.FromSeconds(BenchArgs.Double(args, "--settle", 10));
        var simulatorPid = BenchArgs.Int(args, "--simulator-pid", 0);
        var connectRate = BenchArgs.Double(args, "--connect-rate", 0);
        var connectBurst = BenchArgs.Int(args, "--connect-burst", 50);
        var output = BenchArgs.String(args, "--out", null);
        var gcdump = BenchArgs.String(args, "--gcdump", null);
        var idleOnly = args.Contains("--idle-only");
        using var admin = new SimulatorAdmin(BenchArgs.String(args, "--admin", null) ?? throw new ArgumentException("--admin <url> is required"));
        var chat = new Uri(BenchArgs.String(args, "--ws", null) ?? throw new ArgumentException("--ws <url> is required"));
        // A plain ws:// simulator (started without --tls) has no certificate to pin: the run then measures memory without TLS.
        var endpoint = new SimulatorEndpoint(
            chat,
            admin.Url,
            Convert.FromHexString(BenchArgs.String(args, "--root", null) ?? throw new ArgumentException("--root <hex> is required")),
            chat.Scheme == "wss" ? await admin.CertificateAsync() : null);

        var report = new StringBuilder();
        void Row(string what, string value) => report.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {value} |");
        var logLevel = Enum.Parse<LogLevel>(BenchArgs.String(args, "--log-level", "Warning")!);
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(logLevel));

        Log($"creating {count:N0} accounts …");
        var accounts = await Batches.ForEachAsync(Enumerable.Range(0, count), 32, i => admin.CreateAccountAsync(SimulatorAdmin.Phone(prefix, i)));
        if (accounts.Failures > 0)
        {
            Log($"account creation failed {accounts.Failures} times: {accounts.FirstError}");
            return 1;
        }

        var node = BenchNode.Start(endpoint, loggers);
        try
        {
            var sessions = new SessionLinker(node, admin, prefix);
            var baseline = MemorySample.Take();
            Log($"baseline: GC heap {Format.Mib(baseline.GcHeap)}, RSS {Format.Mib(baseline.Rss)}; simulator RSS {Format.Mib(MemorySample.RssOf(simulatorPid))}");

            var clock = Stopwatch.GetTimestamp();
            var created = await sessions.CreateAsync(count, 64);
            var createSeconds = Stopwatch.GetElapsedTime(clock).TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(2));
            var afterCreate = MemorySample.Take();
            Log($"created {count - created.Failures:N0} in {createSeconds:N1} s ({created.FirstError}); GC heap {Format.Mib(afterCreate.GcHeap)}, RSS {Format.Mib(afterCreate.Rss)}");

            var durations = new ConcurrentBag<double>();
            var cpu = new PhaseCpu(simulatorPid);
            clock = Stopwatch.GetTimestamp();
            var linked = await sessions.LinkAsync(count, linkConcurrency, durations);
            var linkSeconds = Stopwatch.GetElapsedTime(clock).TotalSeconds;
            var connected = count - linked.Failures;
            var linkCpu = cpu.Text();
            Log($"linked {connected:N0} in {linkSeconds:N1} s ({linked.Failures} failed: {linked.FirstError})");
            await Task.Delay(settle);
            var idle = MemorySample.Take();
            var simulatorIdleRss = MemorySample.RssOf(simulatorPid);
            var serverConnections = (await admin.StatsAsync()).GetProperty("connections").GetInt32();
            Log($"idle: GC heap {Format.Mib(idle.GcHeap)}, RSS {Format.Mib(idle.Rss)}; simulator counts {serverConnections} connections");
            var linkTimes = durations.Order().ToArray();
            if (gcdump is not null)
            {
                await HeapDump.CollectAsync(gcdump);
            }

            report.AppendLine(CultureInfo.InvariantCulture, $"N = {count:N0} sessions on one ActorSystem (SQLite journal, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, {Environment.ProcessorCount} cores); simulator in its own process over {chat.Scheme}.");
            report.AppendLine();
            report.AppendLine("| Figure | Value |");
            report.AppendLine("|---|---:|");
            Row("sessions created (keys persisted, no connection) / time", $"{count - created.Failures:N0} / {createSeconds:N1} s");
            Row($"sessions linked by QR and Connected ({linkConcurrency} in flight) / time", $"{connected:N0} / {linkSeconds:N1} s ({connected / linkSeconds:N0}/s)");
            Row("link failures (first error)", $"{linked.Failures} {linked.FirstError}");
            Row("CPU while linking", linkCpu);
            Row("one link (LinkByQr → Connected) p50 / p99", $"{Format.Ms(Simulator.Percentile.Of(linkTimes, 0.5))} / {Format.Ms(Simulator.Percentile.Of(linkTimes, 0.99))}");
            Row("simulator's count of open connections, idle", Format.N(serverConnections));
            Row("baseline GC heap / RSS (node started, no session)", $"{Format.Mib(baseline.GcHeap)} / {Format.Mib(baseline.Rss)}");
            Row("per created session, not connected: GC heap / RSS", $"{Format.Kib((afterCreate.GcHeap - baseline.GcHeap) / (double)count)} / {Format.Kib((afterCreate.Rss - baseline.Rss) / (double)count)}");
            Row($"per idle connected session ({settle.TotalSeconds:N0} s after the last link): GC heap / RSS", $"**{Format.Kib((idle.GcHeap - baseline.GcHeap) / (double)connected)} / {Format.Kib((idle.Rss - baseline.Rss) / (double)connected)}**");
            Row("of which the connection (connected − created): GC heap / RSS", $"{Format.Kib((idle.GcHeap - afterCreate.GcHeap) / (double)connected)} / {Format.Kib((idle.Rss - afterCreate.Rss) / (double)connected)}");
            Row("node totals idle: GC heap / RSS; simulator process RSS", $"{Format.Mib(idle.GcHeap)} / {Format.Mib(idle.Rss)}; {Format.Mib(simulatorIdleRss)}");
            Row("per idle connected session: GC committed (live + kept free) / RSS − GC committed (native)", $"{Format.Kib((idle.GcCommitted - baseline.GcCommitted) / (double)connected)} / {Format.Kib((idle.Rss - idle.GcCommitted - (baseline.Rss - baseline.GcCommitted)) / (double)connected)}");
            if (args.Contains("--malloc-trim") && MemorySample.TrimNativeHeap())
            {
                // Diagnostic only: how much of the native RSS is freed memory glibc kept (the node does not trim).
                var trimmed = MemorySample.Take();
                Row("per idle connected session after malloc_trim(0) (diagnostic): RSS / RSS − GC committed", $"{Format.Kib((trimmed.Rss - baseline.Rss) / (double)connected)} / {Format.Kib((trimmed.Rss - trimmed.GcCommitted - (baseline.Rss - baseline.GcCommitted)) / (double)connected)}");
            }

            if (idleOnly)
            {
                await WriteReportAsync(report.ToString(), output);
                return linked.Failures == 0 ? 0 : 1;
            }


            // Two held rounds (InboundLoad): one text per session first, each opening a Signal session (pkmsg, a one-time
            // prekey used), then --texts more on the sessions now established (msg), the steady state.
            var firstContact = await InboundRoundAsync("first contact (pkmsg)", count, 0);
            var inbound = await InboundRoundAsync("established sessions (msg)", texts, count);

            Log($"send latency: {senders} senders, {sendRate}/s for {sendSeconds} s …");
            cpu = new PhaseCpu(simulatorPid);
            var send = await SendLatency.RunAsync(node, sessions, prefix, count, senders, sendRate, sendSeconds);
            Log($"send: {send.Acked}/{send.Sent} acked, p50 {send.P50Ms:N2} ms p99 {send.P99Ms:N2} ms max {send.MaxMs:N1} ms ({send.Refused} refused {send.FirstError})");
            Row($"send: {send.Senders} sessions, {send.Rate:N0} Send/s open loop for {sendSeconds:N0} s: sent / Sent (server ack) / refused", $"{send.Sent:N0} / {send.Acked:N0} / {send.Refused} {send.FirstError}");
            Row("send: told → Accepted written, p50 / p99 (mailbox + one journal write)", $"{Format.Ms(send.ToAccepted.P50)} / {Format.Ms(send.ToAccepted.P99)}");
            Row("send: Accepted written → Sent written, p50 / p99 (encrypt, ratchet writes, wire, server ack, write)", $"{Format.Ms(send.AcceptedToSent.P50)} / {Format.Ms(send.AcceptedToSent.P99)}");
            Row("CPU during the send phase (warm-up included)", cpu.Text());
            Row("**send latency p50 / p99 / max** (Send told → MessageStatus Sent written)", $"**{Format.Ms(send.P50Ms)} / {Format.Ms(send.P99Ms)}** / {Format.Ms(send.MaxMs)}");
            var afterTraffic = MemorySample.Take();
            Row("per session after the traffic (ratchet actors alive): GC heap / RSS", $"{Format.Kib((afterTraffic.GcHeap - baseline.GcHeap) / (double)connected)} / {Format.Kib((afterTraffic.Rss - baseline.Rss) / (double)connected)}");

            Log("node restart: a new ActorSystem on the same journal, every session recovers and reconnects by itself …");
            var cap = connectRate > 0 ? new ConnectionStartLimiter(connectRate, connectBurst, TimeProvider.System) : ConnectionStartLimiter.Unlimited;
            var capText = connectRate > 0 ? $"reconnect-rate cap {connectRate:N0}/s, burst {connectBurst}" : "no reconnect-rate cap";
            node = await node.RestartAsync(cap);
            var dependencies = node.Dependencies();
            cpu = new PhaseCpu(simulatorPid);
            clock = Stopwatch.GetTimestamp();
            var reconnected = await Batches.ForEachAsync(sessions.Connected, 256, async i =>
            {
                var session = node.StartSession(SessionLinker.Id(i), dependencies);
                await SessionLinker.WaitForStatusAsync(session, SessionLinker.Id(i), SessionStatus.Connected, TimeSpan.FromSeconds(120));
            });
            var reconnectSeconds = Stopwatch.GetElapsedTime(clock).TotalSeconds;
            var reconnectCpu = cpu.Text();
            Log($"reconnected {connected - reconnected.Failures:N0} in {reconnectSeconds:N1} s ({reconnected.Failures} failed: {reconnected.FirstError})");
            Row($"**node restart: all sessions recovered and Connected again** ({capText}) / failures", $"**{connected - reconnected.Failures:N0} in {reconnectSeconds:N1} s** ({(connected - reconnected.Failures) / reconnectSeconds:N0}/s) / {reconnected.Failures} {reconnected.FirstError}");
            Row("CPU during the reconnect", reconnectCpu);

            await WriteReportAsync(report.ToString(), output);
            return linked.Failures == 0 && firstContact.PostFailures == 0 && inbound.PostFailures == 0 && send.Refused == 0 ? 0 : 1;

            async Task<InboundResult> InboundRoundAsync(string round, int roundTexts, int offset)
            {
                Log($"inbound, {round}: relay held, {roundTexts:N0} texts from the phones ({inboundConcurrency} POSTs in flight), then released …");
                var result = await InboundLoad.RunAsync(node, admin, prefix, count, roundTexts, offset, inboundConcurrency, simulatorPid);
                Log($"inbound, {round}: {result.Received:N0} MessageReceived drained in {result.DrainSeconds:N1} s = {result.PerSecond:N0}/s, node CPU {result.NodeCpuMsPerMessage:N3} ms each (posts {result.Posted:N0} in {result.PostSeconds:N1} s, {result.PostFailures} failed {result.FirstError})");
                Row($"inbound, {round}: texts posted while the relay held them / failures", $"{result.Posted:N0} in {result.PostSeconds:N1} s / {result.PostFailures} {result.FirstError}");
                Row($"inbound, {round}: MessageReceived written (to the recipient + sent copies to the sender's companion)", $"{result.Received:N0} ({result.ReceivedAtRecipient:N0} + {result.ReceivedAsSentCopy:N0})");
                Row($"**inbound messages/s end to end, {round}** (MessageReceived written ÷ release → last write)", $"**{result.PerSecond:N0}** over {result.DrainSeconds:N1} s");
                Row($"inbound, {round}: node CPU per message / CPU while draining", $"{result.NodeCpuMsPerMessage:N3} ms / node {result.NodeCpuSeconds:N1} s, simulator {result.SimulatorCpuSeconds:N1} s");
                Row($"inbound, {round}: release → MessageReceived written, p50 / p99", $"{Format.Ms(result.Latency50Ms)} / {Format.Ms(result.Latency99Ms)}");
                return result;
            }
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    private static async Task WriteReportAsync(string text, string? output)
    {
        Console.WriteLine();
        Console.WriteLine(text);
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, text);
        }
    }

    private static void Log(string line) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
}
