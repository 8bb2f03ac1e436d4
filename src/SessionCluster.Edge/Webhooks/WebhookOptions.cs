namespace SessionCluster.Edge.Webhooks;

/// <summary>Webhook delivery on this node, bound from <c>SC:Edge:Webhooks</c>. docs/CONFIGURATION.md lists them.</summary>
public sealed class WebhookOptions
{
    public const string Section = "SC:Edge:Webhooks";

    /// <summary>
    /// Default true: this node runs the delivery worker. The worker delivers every webhook of every session in the edge
    /// database; in a cluster of several nodes over one PostgreSQL, enable it on one node only (deliveries are not yet
    /// split between nodes, and two workers would each deliver every event: still at-least-once, twice as many duplicates).
    /// </summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Default 32: POSTs in flight at once over all webhooks and sessions. Each (webhook, session) sends one event at a
    /// time; this bounds how many of them post together so a node with thousands of sessions does not open thousands of
    /// sockets to one receiver.
    /// </summary>
    public int MaxConcurrentDeliveries { get; init; } = 32;

    /// <summary>Default 10 s: how long one POST (or the Cloud verify GET) waits for the receiver's answer before it counts as failed.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Default 30 s: how often the worker reloads the webhooks and sessions from the database, starting what it does not
    /// run yet (made by another node, or a lane that failed) and stopping what was deleted. A webhook made or deleted on
    /// this node, and a session's first live event, take effect at once.
    /// </summary>
    public TimeSpan RescanInterval { get; init; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        if (MaxConcurrentDeliveries is < 1 or > 10_000)
        {
            throw new ArgumentException($"{Section}:{nameof(MaxConcurrentDeliveries)} must be from 1 to 10000 (default 32).");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{Section}:{nameof(RequestTimeout)} must be positive (default 00:00:10).");
        }

        if (RescanInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{Section}:{nameof(RescanInterval)} must be positive (default 00:00:30).");
        }
    }
}
