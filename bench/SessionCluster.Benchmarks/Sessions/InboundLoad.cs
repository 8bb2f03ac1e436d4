using System.Collections.Concurrent;
using System.Diagnostics;
using SessionCluster.Sessions;

namespace SessionCluster.Benchmarks.Sessions;

/// <summary>What one inbound round measured.</summary>
internal sealed record InboundResult(
    int Posted, int PostFailures, string? FirstError, double PostSeconds, int Received, int ReceivedAtRecipient, int ReceivedAsSentCopy,
    double DrainSeconds, double NodeCpuSeconds, double SimulatorCpuSeconds, double Latency50Ms, double Latency99Ms)
{
    public double PerSecond => Received / DrainSeconds;

    /// <summary>The node's CPU time (user + system, every thread) per MessageReceived while draining.</summary>
    public double NodeCpuMsPerMessage => NodeCpuSeconds * 1000 / Math.Max(1, Received);
}

/// <summary>
/// Inbound end to end, measured as the node's drain rate: the simulator's relay is held (<c>POST /admin/relay/hold</c>),
/// then <c>texts</c> texts are posted, text k from the phone of account (i+1) mod N to account i = (k + offset) mod N
/// (the phone Signal-encrypts each for session i, and for its own companion, session (i+1) mod N, as a sent copy),
/// then the relay is released and every session drains its queue: decrypt, persist <c>MessageReceived</c>, ack. The
/// rate is the MessageReceived events of the posted ids ÷ (release → the last one's journal timestamp), so the phones'
/// encryption, which shares these 2 cores, is not in it. The drain ends when the relay's queues are empty: a session
/// acks only after its event is durable.
/// </summary>
internal static class InboundLoad
{
    public static async Task<InboundResult> RunAsync(
        BenchNode node, SimulatorAdmin admin, string prefix, int sessions, int texts, int offset, int concurrency, int simulatorPid)
    {
        await admin.HoldRelayAsync();
        var posted = new ConcurrentDictionary<string, bool>();
        var clock = Stopwatch.GetTimestamp();
        var work = Enumerable.Range(0, texts).Select(k => (i: (k + offset) % sessions, k));
        var (failures, firstError) = await Batches.ForEachAsync(work, concurrency, async item =>
        {
            var from = SimulatorAdmin.Phone(prefix, (item.i + 1) % sessions);
            var id = await admin.SendTextAsync(from, SimulatorAdmin.UserJid(SimulatorAdmin.Phone(prefix, item.i)), $"load {item.k} to {item.i}");
            posted[id] = true;
        });
        var postSeconds = Stopwatch.GetElapsedTime(clock).TotalSeconds;

        var cpu = new PhaseCpu(simulatorPid);
        var releasedTicks = DateTime.UtcNow.Ticks;
        await admin.ReleaseRelayAsync();
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] relay released after {posted.Count:N0} texts posted in {postSeconds:N1} s");

        // Every copy delivered is acked only once its MessageReceived is durable; wait for the relay's queues to empty.
        var deadline = Stopwatch.GetTimestamp() + 600 * Stopwatch.Frequency;
        while ((await admin.StatsAsync()).GetProperty("offlineQueueDepth").GetInt64() > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(100);
        }

        var (nodeCpu, simulatorCpu) = cpu.Elapsed();
        var received = new ConcurrentBag<(long Written, bool AtRecipient)>();
        await Batches.ForEachAsync(Enumerable.Range(0, sessions), 8, async i =>
        {
            foreach (var stored in await node.EventsAsync(SessionLinker.Id(i)))
            {
                if (stored.Event.Body is MessageReceivedBody body && posted.ContainsKey(body.MessageId))
                {
                    received.Add((stored.WrittenTicks, !body.FromMe));
                }
            }
        });

        var all = received.ToArray();
        var last = all.Length == 0 ? releasedTicks : all.Max(r => r.Written);
        var latencies = all.Select(r => (r.Written - releasedTicks) / (double)TimeSpan.TicksPerMillisecond).Order().ToArray();
        return new InboundResult(
            posted.Count, failures, firstError, postSeconds, all.Length, all.Count(r => r.AtRecipient), all.Count(r => !r.AtRecipient),
            (last - releasedTicks) / (double)TimeSpan.TicksPerSecond, nodeCpu, simulatorCpu,
            Simulator.Percentile.Of(latencies, 0.50), Simulator.Percentile.Of(latencies, 0.99));
    }
}
