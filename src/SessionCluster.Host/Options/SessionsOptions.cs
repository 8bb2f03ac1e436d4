using SessionCluster.Sessions;

namespace SessionCluster.Host.Options;

/// <summary>
/// What every session of this node does unless its own settings say otherwise. Bound from <c>SC:Sessions</c>.
/// </summary>
public sealed class SessionsOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "SC:Sessions";

    /// <summary>
    /// Default none (not paced). With <see cref="SendRateBurst"/>: the send pacing of every session whose settings name
    /// none (<c>PATCH /v1/sessions/{id}</c> <c>sendRate</c> overrides it per session). Sends over the rate wait, durable,
    /// and are never refused. 1 per second with a burst of 5 is what docs/SESSIONS.md recommends for a node running many
    /// numbers; above 0 and at most 50.
    /// </summary>
    public double? SendRatePerSecond { get; init; }

    /// <summary>Default none. The burst of <see cref="SendRatePerSecond"/>: 1 to 100, set together with it.</summary>
    public int? SendRateBurst { get; init; }

    /// <summary>The node's default send rate, once <see cref="Validate"/> has accepted it; null when not set.</summary>
    public SendRate? DefaultSendRate => SendRatePerSecond is { } perSecond && SendRateBurst is { } burst ? new SendRate(perSecond, burst) : null;

    /// <summary>Throws <see cref="NodeConfigurationException"/> for a rate the sessions would refuse, or half of one.</summary>
    public void Validate()
    {
        if (SendRatePerSecond.HasValue != SendRateBurst.HasValue)
        {
            throw new NodeConfigurationException($"{Section}:{nameof(SendRatePerSecond)}",
                $"and {Section}:{nameof(SendRateBurst)} are set together (for example 1 and 5), or neither.");
        }

        if (SendRatePerSecond is { } perSecond && !(perSecond > 0 && perSecond <= SendRate.MaxPerSecond))
        {
            throw new NodeConfigurationException($"{Section}:{nameof(SendRatePerSecond)}", $"must be above 0 and at most {SendRate.MaxPerSecond}.");
        }

        if (SendRateBurst is < 1 or > SendRate.MaxBurst)
        {
            throw new NodeConfigurationException($"{Section}:{nameof(SendRateBurst)}", $"must be from 1 to {SendRate.MaxBurst}.");
        }
    }
}
