using SessionCluster.Edge.Sessions;
using SessionCluster.Host.Metrics;
using SessionCluster.Sessions;

namespace SessionCluster.Host.Tests.Metrics;

/// <summary><see cref="SessionNames"/>: the per-session series named as the operator names the session, from the directory.</summary>
public sealed class SessionNamesTests
{
    private const string Known = "s-0192a1b2c3d4e5f60718293a4b5c6d7e";
    private const string Gone = "s-0192ffffffffffffffffffffffffffff";

    [Fact]
    public async Task A_known_session_is_labelled_by_tenant_and_name_with_its_actor_id_and_a_gone_one_by_its_actor_id_alone()
    {
        var families = new[]
        {
            MetricFamily.Of("t_reconnects", MetricType.Gauge, "Reconnects.",
            [
                new MetricSample(new Labels([new("session", Known)]), 3),
                new MetricSample(new Labels([new("session", Gone)]), 1),
            ]),
            MetricFamily.Of("t_members", MetricType.Gauge, "Members.", [new MetricSample(new Labels([new("status", "up")]), 1)]),
        };
        var asked = new List<string>();

        var named = await SessionNames.NameAsync(families, (actor, _) =>
        {
            asked.Add(actor.Value);
            return Task.FromResult(actor.Value == Known ? new SessionEntry("acme", "sales-1", actor, DateTimeOffset.UnixEpoch) : null);
        }, CancellationToken.None);

        Assert.Equal(
            [[("tenant", "acme"), ("session", "sales-1"), ("actor", Known)], [("actor", Gone)]],
            named[0].Samples.Select(sample => sample.Labels.Pairs.Select(pair => (pair.Key, pair.Value)).ToArray()));
        Assert.Equal([3.0, 1.0], named[0].Samples.Select(sample => sample.Value));
        Assert.Same(families[1], named[1]);
        Assert.Equal([Known, Gone], asked);
    }
}
