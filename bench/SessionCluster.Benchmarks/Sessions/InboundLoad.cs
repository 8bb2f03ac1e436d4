using System.Collections.Concurrent;
using System.Diagnostics;
using SessionCluster.Sessions;

namespace SessionCluster.Benchmarks.Sessions;

/// <summary>What the inbound phase measured.</summary>
internal sealed record InboundResult(
    int Posted, int PostFailures, string? FirstError, double PostSeconds, int Received, int ReceivedAtRecipient, int ReceivedAsSentCopy,
    double Seconds, double Latency50Ms, double Latency99Ms)
{
    public double PerSecond => Received / Seconds;
}

/// <summary>
/// Inbound end to end: <c>texts</c> texts, text k from the phone of account (i+1) mod N to account i = k mod N, through
/// <c>POST /admin/accounts/{phone}/messages</c> (the simulator's phone encrypts them with Signal). Session i decrypts
/// each, persists <c>MessageReceived</c> and acks; the phone's own companion, session (i+1) mod N, also gets the text as
/// a sent copy. The rate is the MessageReceived events of those ids durably written, divided by the time from the first
/// POST to the last such write (the rows' timestamps).
/// </summary>
internal static class InboundLoad
{
    public static async Task<InboundResult> RunAsync(BenchNode node, SimulatorAdmin admin, string prefix, int sessions, int texts, int concurrency)
    {
        var posted = new ConcurrentDictionary<string, long>();
        var startTicks = DateTime.UtcNow.Ticks;
        var clock = Stopwatch.GetTimestamp();
        var work = Enumerable.Range(0, texts).Select(k => (i: k % sessions, k));
        var (failures, firstError) = await Batches.ForEachAsync(work, concurrency, async item =>
        {
            var from = SimulatorAdmin.Phone(prefix, (item.i + 1) % sessions);
            var sentAt = DateTime.UtcNow.Ticks;
            var id = await admin.SendTextAsync(from, SimulatorAdmin.UserJid(SimulatorAdmin.Phone(prefix, item.i)), $"load {item.k} to {item.i}");
            posted[id] = sentAt;
        });
        var postSeconds = Stopwatch.GetElapsedTime(clock).TotalSeconds;

        // Every copy delivered is acked only once its MessageReceived is durable; wait for the relay's queue to empty.
        var deadline = Stopwatch.GetTimestamp() + 120 * Stopwatch.Frequency;
        while ((await admin.StatsAsync()).GetProperty("offlineQueueDepth").GetInt64() > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(250);
        }

        var received = new ConcurrentBag<(long Written, long Posted, bool AtRecipient)>();
        await Batches.ForEachAsync(Enumerable.Range(0, sessions), 8, async i =>
        {
            foreach (var stored in await node.EventsAsync(SessionLinker.Id(i)))
            {
                if (stored.Event.Body is MessageReceivedBody body && posted.TryGetValue(body.MessageId, out var sentAt))
                {
                    received.Add((stored.WrittenTicks, sentAt, !body.FromMe));
                }
            }
        });

        var all = received.ToArray();
        var last = all.Length == 0 ? startTicks : all.Max(r => r.Written);
        var latencies = all.Select(r => (r.Written - r.Posted) / (double)TimeSpan.TicksPerMillisecond).Order().ToArray();
        return new InboundResult(
            posted.Count, failures, firstError, postSeconds, all.Length, all.Count(r => r.AtRecipient), all.Count(r => !r.AtRecipient),
            (last - startTicks) / (double)TimeSpan.TicksPerSecond,
            Simulator.Percentile.Of(latencies, 0.50), Simulator.Percentile.Of(latencies, 0.99));
    }
}
