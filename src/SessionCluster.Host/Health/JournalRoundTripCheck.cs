using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionCluster.Host.Health;

/// <summary>
/// Readiness: one event persisted and confirmed through the configured journal within
/// <see cref="JournalProbeSettings.Timeout"/>. A finished result, good or bad, is reused for
/// <see cref="JournalProbeSettings.CacheFor"/> after it finished, and requests arriving while a probe runs wait for
/// that probe, so a storm of health requests costs the database one write per interval. A singleton: the cache
/// lives here.
/// </summary>
internal sealed class JournalRoundTripCheck(JournalProbeSettings settings, IRequiredActor<JournalProbeActor> probeActor, TimeProvider time) : IHealthCheck
{
    public const string Name = "journal-round-trip";

    private readonly Lock _gate = new();
    private Task<HealthCheckResult>? _current;
    private long _finishedAt;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<HealthCheckResult> probe;
        lock (_gate)
        {
            if (_current is null || (_current.IsCompleted && time.GetElapsedTime(Volatile.Read(ref _finishedAt)) >= settings.CacheFor))
            {
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
            var answer = await actor.Ask<object>(JournalProbeProtocol.Probe.Instance, settings.Timeout).ConfigureAwait(false);
            return answer switch
            {
                JournalProbeProtocol.Confirmed => HealthCheckResult.Healthy("an event was persisted and confirmed by the journal"),
                JournalProbeProtocol.Failed failed => HealthCheckResult.Unhealthy($"the journal failed the probe: {failed.Reason}"),
                _ => HealthCheckResult.Unhealthy($"the journal probe answered {answer.GetType().Name}"),
            };
        }
        catch (AskTimeoutException)
        {
            return HealthCheckResult.Unhealthy($"the journal did not confirm a probe event within {settings.Timeout.TotalSeconds:0.###} s");
        }
        finally
        {
            Volatile.Write(ref _finishedAt, time.GetTimestamp());
        }
    }
}
