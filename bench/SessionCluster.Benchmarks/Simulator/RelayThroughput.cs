using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using SessionCluster.Simulator;

namespace SessionCluster.Benchmarks.Simulator;

/// <summary>1:1 messages relayed per second for one number of pairs.</summary>
internal sealed record RelayResult(
    int Pairs,
    int Window,
    int PayloadBytes,
    double Seconds,
    long Acked,
    double MessagesPerSecond,
    double AckP50Ms,
    double AckP99Ms,
    double AckMaxMs,
    long SentTotal,
    long DeliveredTotal,
    int MessagesQueuedAtEnd,
    int ConnectionsFailed,
    double ServerStanzasInPerSecond,
    double ServerStanzasOutPerSecond);

/// <summary>
/// P pairs of logged-in, active companions of different accounts. Each device of a pair sends to the other with
/// <c>window</c> messages in flight (a closed loop: the next message of a slot leaves when the server's ack for the
/// previous one is back); the receiving device acks every delivery. Counted: acks whose message left after the
/// warm-up and came back before the end. At the end every sent message must have been delivered and the relay's
/// queues must be empty again (the receivers' acks reached it).
/// </summary>
internal static class RelayThroughput
{
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Messages the relay still keeps for the pairs' devices (queued until the device acks them).</summary>
    private static int MessagesQueued(SimulatorHost host, BenchClient[] clients) =>
        clients.Sum(c => host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(c.Device.Phone)!, c.Device.DeviceId).Count(n => n.Tag == "message"));

    public static async Task<RelayResult> RunAsync(SimulatorHost host, IReadOnlyList<LinkedDevice> devices, int pairs, int window, int payloadBytes, TimeSpan warmUp, TimeSpan measure)
    {
        var clients = new BenchClient[pairs * 2];
        await Parallel.ForEachAsync(Enumerable.Range(0, clients.Length), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            clients[i] = await BenchClient.LoginAsync(host, devices[i]);
            await clients[i].ActivateAsync(AckTimeout);
        });

        try
        {
            var payload = RandomNumberGenerator.GetBytes(payloadBytes);
            var ackMs = new ConcurrentQueue<double>();
            long sent = 0;
            var started = Stopwatch.GetTimestamp();
            var from = started + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
            var until = from + (long)(measure.TotalSeconds * Stopwatch.Frequency);
            var slots = new List<Task>();
            for (var p = 0; p < pairs; p++)
            {
                var (a, b) = (clients[2 * p], clients[(2 * p) + 1]);
                for (var w = 0; w < window; w++)
                {
                    slots.Add(Task.Run(() => SlotAsync(a, b)));
                    slots.Add(Task.Run(() => SlotAsync(b, a)));
                }
            }

            // The server's own count of stanzas in and out over the measured window (GET /admin/stats).
            await Task.Delay(warmUp);
            var (inBefore, outBefore) = await HeldConnections.ServerStanzasAsync(host);
            var sampled = Stopwatch.GetTimestamp();
            await Task.Delay(measure);
            var (inAfter, outAfter) = await HeldConnections.ServerStanzasAsync(host);
            var sampleSeconds = Stopwatch.GetElapsedTime(sampled).TotalSeconds;
            await Task.WhenAll(slots);
            var sortedAcks = ackMs.Order().ToArray();

            // Deliveries race the acks by a little; wait until every message reached its receiver and was acked back.
            var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
            while ((clients.Sum(c => c.Delivered) < Interlocked.Read(ref sent) || MessagesQueued(host, clients) > 0) && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(50);
            }

            return new RelayResult(
                Pairs: pairs,
                Window: window,
                PayloadBytes: payloadBytes,
                Seconds: measure.TotalSeconds,
                Acked: sortedAcks.Length,
                MessagesPerSecond: sortedAcks.Length / measure.TotalSeconds,
                AckP50Ms: Percentile.Of(sortedAcks, 0.50),
                AckP99Ms: Percentile.Of(sortedAcks, 0.99),
                AckMaxMs: sortedAcks.Length == 0 ? double.NaN : sortedAcks[^1],
                SentTotal: Interlocked.Read(ref sent),
                DeliveredTotal: clients.Sum(c => c.Delivered),
                MessagesQueuedAtEnd: MessagesQueued(host, clients),
                ConnectionsFailed: clients.Count(c => c.Failure is not null),
                ServerStanzasInPerSecond: (inAfter - inBefore) / sampleSeconds,
                ServerStanzasOutPerSecond: (outAfter - outBefore) / sampleSeconds);

            async Task SlotAsync(BenchClient sender, BenchClient receiver)
            {
                while (true)
                {
                    var leaving = Stopwatch.GetTimestamp();
                    if (leaving >= until)
                    {
                        return;
                    }

                    var ack = await sender.SendMessageAsync(receiver.Device, payload, AckTimeout);
                    Interlocked.Increment(ref sent);
                    if (leaving >= from && Stopwatch.GetTimestamp() <= until)
                    {
                        ackMs.Enqueue(ack.TotalMilliseconds);
                    }
                }
            }
        }
        finally
        {
            await Parallel.ForEachAsync(clients.Where(c => c is not null), async (client, _) => await client.DisposeAsync());
        }
    }
}
