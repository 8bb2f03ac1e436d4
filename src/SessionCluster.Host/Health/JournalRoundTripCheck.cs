using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionCluster.Host.Composition;

namespace SessionCluster.Host.Health;

/// <summary>
/// Readiness: one event persisted and confirmed through the configured journal within
/// <c>sessioncluster.health.journal-probe.timeout</c>. A result, good or bad, is reused for
/// <c>sessioncluster.health.journal-probe.cache-for</c>, and concurrent requests share the probe in flight, so a
/// storm of health requests costs the database one write per interval. A singleton: the cache lives here.
/// </summary>
internal sealed class JournalRoundTripCheck(ActorSystem system, IRequiredActor<JournalProbeActor> probeActor, TimeProvider time) : IHealthCheck
{
    public const string Name = "journal-round-trip";

    private readonly TimeSpan _timeout = system.Settings.Config.GetTimeSpan(NodeHocon.Keys.JournalProbeTimeout, null, allowInfinite: false);
    private readonly TimeSpan _cacheFor = system.Settings.Config.GetTimeSpan(NodeHocon.Keys.JournalProbeCacheFor, null, allowInfinite: false);
    private readonly Lock _gate = new();
    private Task<HealthCheckResult>? _current;
    private long _currentStarted;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<HealthCheckResult> probe;
        lock (_gate)
        {
            if (_current is null || (_current.IsCompleted && time.GetElapsedTime(_currentStarted) >= _cacheFor))
            {
                _currentStarted = time.GetTimestamp();
                _current = ProbeAsync();
            }

            probe = _current;
        }

        return probe.WaitAsync(cancellationToken);
    }

    private async Task<HealthCheckResult> ProbeAsync()
    {
        try
        {
            var actor = await probeActor.GetAsync().ConfigureAwait(false);
            var answer = await actor.Ask<object>(JournalProbeProtocol.Probe.Instance, _timeout).ConfigureAwait(false);
            return answer switch
            {
                JournalProbeProtocol.Confirmed => HealthCheckResult.Healthy("an event was persisted and confirmed by the journal"),
                JournalProbeProtocol.Failed failed => HealthCheckResult.Unhealthy($"the journal failed the probe: {failed.Reason}"),
                _ => HealthCheckResult.Unhealthy($"the journal probe answered {answer.GetType().Name}"),
            };
        }
        catch (AskTimeoutException)
        {
            return HealthCheckResult.Unhealthy($"the journal did not confirm a probe event within {_timeout.TotalSeconds:0.###} s");
        }
    }
}
