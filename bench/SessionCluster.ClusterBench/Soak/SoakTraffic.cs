using System.Diagnostics;
using System.Globalization;

namespace SessionCluster.ClusterBench.Soak;

/// <summary>
/// Steady traffic, open loop: at <c>rate</c> messages/s in all, alternately a text sent through the API by the next
/// session (round robin) to its friend phone, and a text from a friend phone to the next session; and every so often a
/// session restarted (its connection dropped and logged in again). A message due while <see cref="MaxInFlight"/>
/// requests are still open is skipped and counted: the node (or this machine) is not keeping up with the rate.
/// </summary>
internal sealed class SoakTraffic(SoakClients clients, Latencies latencies, SoakOptions options)
{
    public const int MaxInFlight = 256;

    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;
    private int _inFlight;
    private int _failed;
    private string? _firstError;
    private int _restarts;

    public int Sent { get; private set; }

    public int Skipped { get; private set; }

    public int Restarts => _restarts;

    public int Failed => _failed;

    public string? FirstError => _firstError;

    public void Start() => _run = Task.Run(RunAsync);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
        while (Volatile.Read(ref _inFlight) > 0)
        {
            await Task.Delay(100);
        }
    }

    private async Task RunAsync()
    {
        var start = Stopwatch.GetTimestamp();
        var restartEvery = options.RestartsPerMinute > 0 ? TimeSpan.FromMinutes(1 / options.RestartsPerMinute) : TimeSpan.MaxValue;
        var nextRestart = restartEvery;
        var restarted = 0;
        for (var k = 0; !_stop.IsCancellationRequested; k++)
        {
            var wait = TimeSpan.FromSeconds(k / options.Rate) - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            if (Stopwatch.GetElapsedTime(start) >= nextRestart)
            {
                nextRestart += restartEvery;
                Track(RestartAsync(options.Sessions - 1 - restarted++ % options.Sessions));
            }

            if (Volatile.Read(ref _inFlight) >= MaxInFlight)
            {
                Skipped++;
                continue;
            }

            var session = k / 2 % options.Sessions;
            Track(k % 2 == 0 ? SendAsync(session, k) : InboundAsync(session, k));
            Sent++;
        }
    }

    private async Task SendAsync(int session, int k)
    {
        var started = Stopwatch.GetTimestamp();
        var name = SoakClients.SessionName(session);
        var id = await clients.SendAsync(name, "+" + SoakClients.FriendPhone(session % options.Friends),
            string.Create(CultureInfo.InvariantCulture, $"soak out #{k}"), string.Create(CultureInfo.InvariantCulture, $"soak-{k}"));
        latencies.Add(LatencyKind.Accepted, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        latencies.Started(LatencyKind.Delivered, id, name, started);
    }

    private async Task InboundAsync(int session, int k)
    {
        var started = Stopwatch.GetTimestamp();
        var id = await clients.PhoneSendsAsync(SoakClients.FriendPhone(session % options.Friends), SoakClients.SessionPhone(session),
            string.Create(CultureInfo.InvariantCulture, $"soak in #{k}"));
        latencies.Started(LatencyKind.Inbound, id, SoakClients.SessionName(session), started);
    }

    private async Task RestartAsync(int session)
    {
        if (await clients.RestartAsync(SoakClients.SessionName(session)))
        {
            Interlocked.Increment(ref _restarts);
        }
    }

    private void Track(Task operation)
    {
        Interlocked.Increment(ref _inFlight);
        _ = operation.ContinueWith(done =>
        {
            if (done.Exception is { } failure)
            {
                Interlocked.Increment(ref _failed);
                Interlocked.CompareExchange(ref _firstError, failure.GetBaseException().Message, null);
            }

            Interlocked.Decrement(ref _inFlight);
        }, TaskScheduler.Default);
    }
}
