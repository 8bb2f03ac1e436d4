using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;

namespace SessionCluster.Host.Metrics;

/// <summary>
/// The sessions know themselves by actor id only (<c>s-</c> and 32 hex digits); an operator knows them by tenant and
/// name, the names <c>scctl sessions show</c> and the API take. So the few series that carry a <c>session</c> label (at
/// most <c>SC:Metrics:TopSessions</c> per instrument) are named at scrape time from the edge's directory, which caches
/// every entry it has read: <c>{tenant="acme", session="sales-1", actor="s-…"}</c>. A session the directory does not
/// know (deleted meanwhile) keeps its actor id alone.
/// </summary>
internal static class SessionNames
{
    public const string SessionLabel = "session";
    public const string TenantLabel = "tenant";
    public const string ActorLabel = "actor";

    public static async Task<IReadOnlyList<MetricFamily>> NameAsync(
        IReadOnlyList<MetricFamily> families, Func<SessionId, CancellationToken, Task<SessionEntry?>> find, CancellationToken cancellationToken)
    {
        var named = new List<MetricFamily>(families.Count);
        foreach (var family in families)
        {
            if (!family.Samples.Any(sample => ActorOf(sample.Labels) is not null))
            {
                named.Add(family);
                continue;
            }

            var samples = new List<MetricSample>(family.Samples.Count);
            foreach (var sample in family.Samples)
            {
                samples.Add(ActorOf(sample.Labels) is { } actor
                    ? sample with { Labels = Named(sample.Labels, actor, await find(new SessionId(actor), cancellationToken).ConfigureAwait(false)) }
                    : sample);
            }

            named.Add(family with { Samples = samples });
        }

        return named;
    }

    private static string? ActorOf(Labels labels) =>
        labels.Pairs.FirstOrDefault(pair => pair.Key == SessionLabel) is { Key: not null } pair ? pair.Value : null;

    private static Labels Named(Labels labels, string actor, SessionEntry? entry)
    {
        var pairs = labels.Pairs.Where(pair => pair.Key != SessionLabel).ToList();
        if (entry is not null)
        {
            pairs.Add(new(TenantLabel, entry.TenantId));
            pairs.Add(new(SessionLabel, entry.Id));
        }

        pairs.Add(new(ActorLabel, actor));
        return new Labels(pairs);
    }
}
