using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeBench;

// The edge benchmark (docs/BENCHMARKS.md, "Edge: REST send and SSE fan-out (issue 12)"), against a running node and
// simulator (bench/edge/run-edge-benchmark.sh starts both):
//   link N sessions through the API (QR, scanned by the simulator's phones);
//   1. REST send -> server ack: every session sends one text at a time and waits for its message.status `sent` (the
//      server's ack, read from one SSE stream of the tenant), K times; latency from the POST to that event; sends/s;
//   2. SSE fan-out: S subscribers each stream every session of the tenant from now on while every session sends K2
//      texts without waiting; events/s delivered over all subscribers, and lag (read time - the event's `at`).
// usage: EdgeBench --node URL --admin-key KEY --simulator-admin URL [--sessions 100] [--sends 10] [--subscribers 100]
//   [--fanout-sends 5] [--link-concurrency 8] [--out FILE] [--node-pid PID (to report the node's CPU)]
var options = Args.Parse(args);
using var api = new EdgeApi(new Uri(options.Node), options.AdminKey, options.SimulatorAdmin.TrimEnd('/'));
var report = new StringBuilder();
void Say(string line)
{
    Console.WriteLine(line);
    report.AppendLine(line);
}

// CPU seconds of this client and of the node (when its pid is given) since the last call: who the phase kept busy.
var node = options.NodePid is { } pid ? Process.GetProcessById(pid) : null;
var cpuMark = (Self: Process.GetCurrentProcess().TotalProcessorTime, Node: node?.TotalProcessorTime ?? TimeSpan.Zero);
string Cpu()
{
    node?.Refresh();
    var now = (Self: Process.GetCurrentProcess().TotalProcessorTime, Node: node?.TotalProcessorTime ?? TimeSpan.Zero);
    var text = FormattableString.Invariant($"CPU node {(node is null ? "?" : $"{(now.Node - cpuMark.Node).TotalSeconds:0.0} s")}, client {(now.Self - cpuMark.Self).TotalSeconds:0.0} s");
    cpuMark = now;
    return text;
}

var sessions = Enumerable.Range(0, options.Sessions).Select(i => $"bench-{i:000}").ToArray();
var owner = (int i) => "1555090" + i.ToString("0000", CultureInfo.InvariantCulture);
var friend = (int i) => "1555091" + i.ToString("0000", CultureInfo.InvariantCulture);

// Link.
var linking = Stopwatch.StartNew();
for (var i = 0; i < sessions.Length; i++)
{
    await api.CreateAccountAsync(owner(i));
    await api.CreateAccountAsync(friend(i));
}

await Parallel.ForEachAsync(Enumerable.Range(0, sessions.Length), new ParallelOptions { MaxDegreeOfParallelism = options.LinkConcurrency },
    async (i, _) => await api.LinkAsync(sessions[i], owner(i)));
Say(FormattableString.Invariant($"linked:       {sessions.Length} sessions in {linking.Elapsed.TotalSeconds:0.0} s (link concurrency {options.LinkConcurrency}); {Cpu()}"));

// 1. REST send -> server ack.
var acks = new ConcurrentDictionary<string, TaskCompletionSource<long>>(StringComparer.Ordinal);
TaskCompletionSource<long> AckOf(string id) => acks.GetOrAdd(id, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
using var stop = new CancellationTokenSource();
using var ackHttp = EdgeApi.Client(api.Node, api.AdminKey);
var ackStream = new SseSubscriber(ackHttp, "?types=message.status&after=" + await CursorsAsync(), (e, at) =>
{
    var payload = e.GetProperty("payload");
    if (payload.GetProperty("status").GetString() == "sent")
    {
        AckOf(payload.GetProperty("id").GetString()!).TrySetResult(at);
    }
});
ackStream.Start(stop.Token);
await ackStream.Opened;

var restMs = new ConcurrentBag<double>();
var ackMs = new ConcurrentBag<double>();
async Task SendAndWaitAsync(int i, int n, bool measure)
{
    var started = Stopwatch.GetTimestamp();
    var id = await api.SendAsync(sessions[i], friend(i), $"bench text {n}");
    var accepted = Stopwatch.GetTimestamp();
    var acked = await AckOf(id).Task.WaitAsync(TimeSpan.FromSeconds(120));
    if (measure)
    {
        restMs.Add(Stopwatch.GetElapsedTime(started, accepted).TotalMilliseconds);
        ackMs.Add(Stopwatch.GetElapsedTime(started, acked).TotalMilliseconds);
    }
}

// Warm-up: one send per session, not measured (first sends open Signal sessions with the friend's devices).
await Task.WhenAll(Enumerable.Range(0, sessions.Length).Select(i => SendAndWaitAsync(i, -1, measure: false)));
Cpu();
var sending = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, sessions.Length).Select(async i =>
{
    for (var n = 0; n < options.Sends; n++)
    {
        await SendAndWaitAsync(i, n, measure: true);
    }
}));
sending.Stop();
Say(FormattableString.Invariant($"send->ack:    {Percentiles.Summary([.. ackMs])}"));
Say(FormattableString.Invariant($"send->202:    {Percentiles.Summary([.. restMs])}"));
Say(FormattableString.Invariant($"sends/s:      {ackMs.Count / sending.Elapsed.TotalSeconds:0.0} ({ackMs.Count} sends acked in {sending.Elapsed.TotalSeconds:0.0} s; {sessions.Length} sessions, one in flight each); {Cpu()}"));
await stop.CancelAsync();

// 2. SSE fan-out: let the first phase's receipts land, then subscribe from each session's last seq.
await QuietAsync();
var cursors = await CursorsAsync();
var before = await TotalSeqAsync();
var lagMs = new ConcurrentBag<double>();
var lastRead = 0L;
using var fanoutStop = new CancellationTokenSource();
using var fanoutHttp = EdgeApi.Client(api.Node, api.AdminKey);
var subscribers = Enumerable.Range(0, options.Subscribers).Select(_ => new SseSubscriber(fanoutHttp, "?after=" + cursors, (e, at) =>
{
    lagMs.Add((DateTimeOffset.UtcNow - e.GetProperty("at").GetDateTimeOffset()).TotalMilliseconds);
    InterlockedMax(ref lastRead, at);
})).ToList();
var opening = Stopwatch.StartNew();
Cpu();
subscribers.ForEach(s => s.Start(fanoutStop.Token));
await Task.WhenAll(subscribers.Select(s => s.Opened));

// A stream answers its headers at once, then reads each session's journal after its cursor (one query per session
// per stream) before it goes live: measured apart, so that the fan-out below is live delivery only.
await NodeIdleAsync();
Say(FormattableString.Invariant($"subscribe:    {options.Subscribers} streams x {sessions.Length} sessions caught up from the journal in {opening.Elapsed.TotalSeconds:0.0} s (until the node was idle); {Cpu()}"));

Cpu();
var fanoutStart = Stopwatch.GetTimestamp();
await Task.WhenAll(Enumerable.Range(0, sessions.Length).Select(async i =>
{
    for (var n = 0; n < options.FanoutSends; n++)
    {
        await api.SendAsync(sessions[i], friend(i), $"fan-out text {n}");
    }
}));
await QuietAsync();
var written = await TotalSeqAsync() - before;
var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
while (subscribers.Any(s => s.Received < written) && DateTime.UtcNow < deadline)
{
    await Task.Delay(50);
}

var delivered = subscribers.Sum(s => s.Received);
var lastDelivery = Stopwatch.GetElapsedTime(fanoutStart, Interlocked.Read(ref lastRead));
Say(FormattableString.Invariant($"fan-out:      {options.Subscribers} SSE subscribers x {written} events written ({options.FanoutSends} sends x {sessions.Length} sessions) = {delivered} delivered of {written * options.Subscribers} in {lastDelivery.TotalSeconds:0.0} s"));
Say(FormattableString.Invariant($"delivered/s:  {delivered / lastDelivery.TotalSeconds:0} events/s (from the first send to the last event read by any subscriber)"));
Say(FormattableString.Invariant($"lag:          {Percentiles.Summary([.. lagMs])}"));
Say($"fan-out CPU:  {Cpu()} (sends, fan-out and the quiet waits)");
await fanoutStop.CancelAsync();

if (options.Out is { } path)
{
    await File.WriteAllTextAsync(path, report.ToString());
}

return 0;

// after=bench-000:N,bench-001:M,... : each session's last seq now.
async Task<string> CursorsAsync()
{
    var seqs = await Task.WhenAll(sessions.Select(api.LastSeqAsync));
    return string.Join(',', sessions.Select((s, i) => $"{s}:{seqs[i]}"));
}

async Task<long> TotalSeqAsync() => (await Task.WhenAll(sessions.Select(api.LastSeqAsync))).Sum();

static void InterlockedMax(ref long location, long value)
{
    var seen = Interlocked.Read(ref location);
    while (value > seen && Interlocked.CompareExchange(ref location, value, seen) is var was && was != seen)
    {
        seen = was;
    }
}

// Waits until the node used less than 10 % of a core for a second (without --node-pid: 10 s).
async Task NodeIdleAsync()
{
    if (node is null)
    {
        await Task.Delay(10_000);
        return;
    }

    for (var i = 0; i < 300; i++)
    {
        node.Refresh();
        var before = node.TotalProcessorTime;
        await Task.Delay(1000);
        node.Refresh();
        if (node.TotalProcessorTime - before < TimeSpan.FromMilliseconds(100))
        {
            return;
        }
    }
}

// Waits until no session wrote an event for a second (receipts of the last sends landed).
async Task QuietAsync()
{
    var last = await TotalSeqAsync();
    while (true)
    {
        await Task.Delay(1000);
        var now = await TotalSeqAsync();
        if (now == last)
        {
            return;
        }

        last = now;
    }
}

internal sealed record Args(string Node, string AdminKey, string SimulatorAdmin, int Sessions, int Sends, int Subscribers, int FanoutSends, int LinkConcurrency, string? Out, int? NodePid)
{
    public static Args Parse(string[] args)
    {
        string? Get(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Args(
            Get("--node") ?? throw new ArgumentException("--node URL is required"),
            Get("--admin-key") ?? throw new ArgumentException("--admin-key KEY is required"),
            Get("--simulator-admin") ?? throw new ArgumentException("--simulator-admin URL is required"),
            Int("--sessions", 100), Int("--sends", 10), Int("--subscribers", 100), Int("--fanout-sends", 5), Int("--link-concurrency", 8), Get("--out"),
            Get("--node-pid") is { } nodePid ? int.Parse(nodePid, CultureInfo.InvariantCulture) : null);
    }
}
