using System.Net;
using SessionCluster.Edge.Tests.Webhooks;

namespace SessionCluster.Edge.Tests.Metrics;

/// <summary>
/// <c>/metrics</c> of a real node after traffic (a session linked through the simulator, a text sent and one
/// received, then the node restarted so the session reconnects), parsed by Prometheus's own Python client parser: the
/// node-wide series and the bounded per-session ones are there, with the values the traffic gives them.
/// </summary>
public sealed class MetricsScrapeTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    private const string Owner = "15550007001";
    private const string Friend = "15550007002";
    private const string Session = "metered";

    /// <summary>Every family the node serves, by the name the parser gives it (a counter's without <c>_total</c>).</summary>
    private static readonly (string Name, string Type)[] Served =
    [
        ("sessioncluster_sessions", "gauge"),
        ("sessioncluster_shards", "gauge"),
        ("sessioncluster_messages_received", "counter"),
        ("sessioncluster_messages_sent", "counter"),
        ("sessioncluster_decrypt_failures", "counter"),
        ("sessioncluster_retry_receipts_sent", "counter"),
        ("sessioncluster_retry_receipts_received", "counter"),
        ("sessioncluster_reconnects", "counter"),
        ("sessioncluster_journal_write_seconds", "histogram"),
        ("sessioncluster_webhook_lag_seconds", "gauge"),
        ("sessioncluster_webhook_dead_letters", "counter"),
        ("sessioncluster_cluster_members", "gauge"),
        ("sessioncluster_cluster_unreachable_members", "gauge"),
        ("sessioncluster_sessions_silent", "gauge"),
        ("sessioncluster_session_last_inbound_age_seconds", "gauge"),
        ("sessioncluster_session_reconnects", "gauge"),
    ];

    [Fact]
    public async Task After_traffic_the_Prometheus_text_parses_and_carries_the_node_and_bounded_session_series()
    {
        await WebhookTestKit.LinkAsync(node.Http, node.Simulator, Session, Owner);
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Friend);
        await WebhookTestKit.SendTextAsync(node.Http, Session, Friend, "out");
        await WebhookTestKit.PhoneSendsAsync(node.Simulator, Friend, Owner, "in");
        await WebhookTestKit.WaitForEventsAsync(node.Http, Session, e => e.Any(x => x.GetProperty("type").GetString() == "message.received"), "the friend's text");

        var metrics = await ScrapeUntilAsync(m => m["sessioncluster_messages_sent"].Value() >= 1, "the send to be counted");
        Assert.All(Served, s => Assert.True(metrics.TryGetValue(s.Name, out var family) && family.Type == s.Type, $"{s.Name} ({s.Type}) is not served as such"));
        Assert.True(metrics["sessioncluster_messages_received"].Value() >= 1);
        Assert.Equal(1, metrics["sessioncluster_sessions"].Value(("status", "connected")));
        Assert.Equal(0, metrics["sessioncluster_sessions"].Value(("status", "logged_out")));
        Assert.True(metrics["sessioncluster_shards"].Value() >= 1);
        Assert.Equal(1, metrics["sessioncluster_cluster_members"].Value(("status", "up")));
        Assert.Equal(0, metrics["sessioncluster_cluster_unreachable_members"].Value());
        Assert.Equal(0, metrics["sessioncluster_decrypt_failures"].Value());
        Assert.Equal(0, metrics["sessioncluster_webhook_lag_seconds"].Value());
        Assert.Equal(0, metrics["sessioncluster_webhook_dead_letters"].Value());

        // The journal histogram: cumulative buckets, +Inf equal to the count, and writes (the link, the messages) counted.
        var journal = metrics["sessioncluster_journal_write_seconds"].Samples;
        var buckets = journal.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).Select(s => s.Value).ToList();
        Assert.Equal(buckets.Order(), buckets);
        var count = Assert.Single(journal, s => s.Name.EndsWith("_count", StringComparison.Ordinal)).Value;
        Assert.True(count > 0);
        Assert.Equal(count, Assert.Single(journal, s => s.Labels.GetValueOrDefault("le") == "+Inf").Value);

        // Per session, bounded: the inbound silence in fixed thresholds, and the session named among the top few.
        Assert.Equal(6, metrics["sessioncluster_sessions_silent"].Samples.Count);
        Assert.Equal(0, metrics["sessioncluster_sessions_silent"].Value(("for_at_least_seconds", "3600")));
        // Named as the operator names it (tenant and session, what scctl takes), its actor id (what its log lines carry)
        // beside: never its number.
        var stalest = Assert.Single(metrics["sessioncluster_session_last_inbound_age_seconds"].Samples);
        Assert.Equal("default", stalest.Labels["tenant"]);
        Assert.Equal(Session, stalest.Labels["session"]);
        Assert.Matches("^s-[0-9a-f]{32}$", stalest.Labels["actor"]);
        Assert.InRange(stalest.Value, 0, EdgeNode.Deadline.TotalSeconds);

        // The node restarts: the session recovers and reconnects by itself, counted on the node and for the session.
        await node.RestartAsync();
        var after = await ScrapeUntilAsync(m => m["sessioncluster_sessions"].Value(("status", "connected")) == 1, "the session to connect again");
        Assert.True(after["sessioncluster_reconnects"].Value() >= 1);
        Assert.True(after["sessioncluster_session_reconnects"].Value(("session", Session)) >= 1);
    }

    [Fact]
    public async Task Metrics_are_served_without_credentials_as_Prometheus_text()
    {
        using var response = await node.Anonymous.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    private async Task<IReadOnlyDictionary<string, PrometheusParser.Family>> ScrapeUntilAsync(
        Func<IReadOnlyDictionary<string, PrometheusParser.Family>, bool> done, string what)
    {
        var until = DateTime.UtcNow + EdgeNode.Deadline;
        while (true)
        {
            var metrics = await PrometheusParser.ParseAsync(await node.Anonymous.GetStringAsync("/metrics"));
            if (done(metrics))
            {
                return metrics;
            }

            Assert.True(DateTime.UtcNow < until, $"Waited {EdgeNode.Deadline} for {what} in /metrics.");
            await Task.Delay(200);
        }
    }
}
