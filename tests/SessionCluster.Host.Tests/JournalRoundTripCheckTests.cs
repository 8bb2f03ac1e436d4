using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionCluster.Host.Health;

namespace SessionCluster.Host.Tests;

/// <summary>A storm of readiness requests costs the journal one probe write per cache interval.</summary>
public sealed class JournalRoundTripCheckTests : IAsyncLifetime
{
    private static readonly JournalProbeSettings Settings = new(Timeout: TimeSpan.FromSeconds(30), CacheFor: TimeSpan.FromSeconds(2), DeleteEvery: 100);

    private readonly ManualTime _time = new();
    private readonly ProbeCounter _probes = new();
    private ActorSystem _system = null!;
    private JournalRoundTripCheck _check = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("journal-check-tests");
        var journal = _system.ActorOf(Props.Create(() => new ConfirmingJournalProbe(_probes)));
        _check = new JournalRoundTripCheck(Settings, new Required(journal), _time);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _system.Terminate();

    [Fact]
    public async Task Fifty_concurrent_readiness_checks_share_one_probe_write()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => _check.CheckHealthAsync(new HealthCheckContext())));

        Assert.All(results, result => Assert.Equal(HealthStatus.Healthy, result.Status));
        Assert.Equal(1, _probes.Count);
    }

    [Fact]
    public async Task A_result_is_reused_until_the_cache_interval_has_passed_since_it_finished_and_then_probed_again()
    {
        await _check.CheckHealthAsync(new HealthCheckContext());

        _time.Advance(Settings.CacheFor - TimeSpan.FromMilliseconds(1));
        await _check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(1, _probes.Count);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await _check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(2, _probes.Count);
    }

    private sealed class ProbeCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public long Increment() => Interlocked.Increment(ref _count);
    }

    /// <summary>Stands in for <see cref="JournalProbeActor"/>: confirms every probe at once and counts them.</summary>
    private sealed class ConfirmingJournalProbe : ReceiveActor
    {
        public ConfirmingJournalProbe(ProbeCounter probes) =>
            Receive<JournalProbeProtocol.Probe>(_ => Sender.Tell(new JournalProbeProtocol.Confirmed(probes.Increment())));
    }

    private sealed class Required(IActorRef actor) : IRequiredActor<JournalProbeActor>
    {
        public IActorRef ActorRef => actor;

        public Task<IActorRef> GetAsync(CancellationToken cancel = default) => Task.FromResult(actor);
    }

    /// <summary>A clock that moves only when told to.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
