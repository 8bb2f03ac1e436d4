using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Benchmarks.Sessions;

internal sealed record SendResult(int Senders, int Sent, int Acked, int Refused, string? FirstError, double Rate, double P50Ms, double P99Ms, double MaxMs)
{
    /// <summary>Send told → MessageStatus Accepted written (the node alone: mailbox, persist), p50 and p99.</summary>
    public (double P50, double P99) ToAccepted { get; init; }

    /// <summary>Accepted written → Sent written (encrypt, ratchet writes, the wire, the server's ack, the Sent write), p50 and p99.</summary>
    public (double P50, double P99) AcceptedToSent { get; init; }
}

/// <summary>
/// Send latency: the first <c>senders</c> sessions send texts to the next account (its phone and its companion, the
/// next session), open loop at <c>rate</c> commands/s for <c>seconds</c>, after one warm-up text each (device list and
/// prekey bundles fetched, ratchets made). Latency = the journal's timestamp of the <c>MessageStatus Sent</c> event
/// (the server's ack) − the moment the <see cref="Send"/> command was told; both are this process's UTC clock.
/// </summary>
internal static class SendLatency
{
    public static async Task<SendResult> RunAsync(BenchNode node, SessionLinker sessions, string prefix, int count, int senderCount, double rate, double seconds)
    {
        // Only sessions that are linked send (a session whose link failed would refuse every Send).
        var from = sessions.Connected.Take(senderCount).ToArray();
        var senders = from.Length;
        string To(int i) => SimulatorAdmin.UserJid(SimulatorAdmin.Phone(prefix, (i + 1) % count));

        var warm = await Task.WhenAll(from.Select(i => sessions[i].Ask<Reply>(Send.Text(SessionLinker.Id(i), To(i), "warm-up"), BenchNode.AskTimeout)));
        var warmIds = warm.OfType<SendAccepted>().Select(a => a.MessageId).ToHashSet();
        await WaitForSentAsync(node, from, warmIds, TimeSpan.FromSeconds(60));

        var told = new ConcurrentDictionary<string, (int Session, long Ticks)>();
        var refused = 0;
        string? firstError = null;
        var total = (int)(rate * seconds);
        var inFlight = new List<Task>(total);
        var start = Stopwatch.GetTimestamp();
        for (var k = 0; k < total; k++)
        {
            var due = start + (long)(k / rate * Stopwatch.Frequency);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
            }

            var i = from[k % senders];
            var ticks = DateTime.UtcNow.Ticks;
            inFlight.Add(sessions[i].Ask<Reply>(Send.Text(SessionLinker.Id(i), To(i), "latency " + k), BenchNode.AskTimeout).ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully && t.Result is SendAccepted accepted)
                {
                    told[accepted.MessageId] = (i, ticks);
                }
                else
                {
                    Interlocked.Increment(ref refused);
                    Interlocked.CompareExchange(ref firstError, t.IsCompletedSuccessfully ? t.Result.ToString() : t.Exception?.GetBaseException().Message, null);
                }
            }, TaskScheduler.Default));
        }

        await Task.WhenAll(inFlight);
        var (acked, accepted) = await WaitForStatusesAsync(node, from, told.Keys.ToHashSet(), TimeSpan.FromSeconds(60));
        static double Ms(long ticks) => ticks / (double)TimeSpan.TicksPerMillisecond;
        static (double, double) Percentiles(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return (Simulator.Percentile.Of(sorted, 0.50), Simulator.Percentile.Of(sorted, 0.99));
        }

        var latencies = acked.Where(a => told.ContainsKey(a.Key)).Select(a => Ms(a.Value - told[a.Key].Ticks)).Order().ToArray();
        return new SendResult(senders, total, latencies.Length, refused, firstError, rate,
            Simulator.Percentile.Of(latencies, 0.50), Simulator.Percentile.Of(latencies, 0.99), latencies.Length == 0 ? double.NaN : latencies[^1])
        {
            ToAccepted = Percentiles(accepted.Where(a => told.ContainsKey(a.Key)).Select(a => Ms(a.Value - told[a.Key].Ticks))),
            AcceptedToSent = Percentiles(acked.Where(a => accepted.ContainsKey(a.Key)).Select(a => Ms(a.Value - accepted[a.Key]))),
        };
    }

    /// <summary>The write time of each id's <c>MessageStatus Sent</c> event, once all of them are in (or the timeout).</summary>
    private static async Task<Dictionary<string, long>> WaitForSentAsync(BenchNode node, int[] senders, HashSet<string> ids, TimeSpan timeout) =>
        (await WaitForStatusesAsync(node, senders, ids, timeout)).Sent;

    private static async Task<(Dictionary<string, long> Sent, Dictionary<string, long> Accepted)> WaitForStatusesAsync(BenchNode node, int[] senders, HashSet<string> ids, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var sent = new ConcurrentDictionary<string, long>();
            var accepted = new ConcurrentDictionary<string, long>();
            await Batches.ForEachAsync(senders, 8, async i =>
            {
                foreach (var stored in await node.EventsAsync(SessionLinker.Id(i)))
                {
                    if (stored.Event.Body is MessageStatusBody { Status: MessageDelivery.Sent } status && ids.Contains(status.MessageId))
                    {
                        sent.TryAdd(status.MessageId, stored.WrittenTicks);
                    }
                    else if (stored.Event.Body is MessageStatusBody { Status: MessageDelivery.Accepted } first && ids.Contains(first.MessageId))
                    {
                        accepted.TryAdd(first.MessageId, stored.WrittenTicks);
                    }
                }
            });
            if (sent.Count >= ids.Count || Stopwatch.GetTimestamp() > deadline)
            {
                return (new Dictionary<string, long>(sent), new Dictionary<string, long>(accepted));
            }

            await Task.Delay(500);
        }
    }
}
