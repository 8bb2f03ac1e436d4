using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Chats;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Sessions;
using SessionCluster.Edge.Store;
using SessionCluster.Edge.Streams;
using SessionCluster.Edge.Tenants;

namespace SessionCluster.Edge;

/// <summary>What the routes need, made once by the node and passed in: no route reaches for a service locator.</summary>
public sealed record EdgeDependencies(
    EdgeOptions Options,
    AdminKey AdminKey,
    SessionGateway Sessions,
    SessionEventLog Events,
    TimeProvider Clock,
    EdgeDatabase Database,
    SessionDirectory Directory,
    TenantStore Tenants,
    ApiKeys Keys,
    TenantSendRates SendRates)
{
    /// <summary>Done once the edge's tables are migrated (<see cref="EdgeMigrations"/>); requests wait for it.</summary>
    public Task Ready { get; init; } = Task.CompletedTask;

    /// <summary>Live events of the node's sessions, tagged with their tenant (null only in tests that need none).</summary>
    public EventHub? Hub { get; init; }

    /// <summary>
    /// Which sessions this node hosts now (<see cref="SessionCluster.Sessions.SessionEventFeed.IsHosted"/>): webhook lanes and the chats
    /// store run only for those, so in a cluster each session's are run once, by its owner (docs/CLUSTER.md "Webhooks and
    /// the store in a cluster"). Null: every session counts as this node's (a single node, tests).
    /// </summary>
    public SessionCluster.Sessions.SessionEventFeed? Hosting { get; init; }

    /// <summary>Whether this node runs <paramref name="session"/>'s per-session work (see <see cref="Hosting"/>).</summary>
    public bool Owns(SessionEntry session) => Hosting?.IsHosted(session.ActorId) ?? true;

    /// <summary>Journal-then-live event streams with no gap (over <see cref="Hub"/>).</summary>
    public EventFollower Follower => new(Hub ?? throw new InvalidOperationException("The edge was composed without an event hub."), Events);

    /// <summary>Called after a session is deleted and its name freed, to drop what the edge keeps of it (its store rows, cursors).</summary>
    public Func<SessionEntry, CancellationToken, Task> SessionDeleted { get; init; } = (_, _) => Task.CompletedTask;

    /// <summary>The live streams' settings, logger and the node's stopping signal; <see cref="EdgeEndpoints.MapEdge"/> needs them.</summary>
    public LiveStreams? Streams { get; init; }
    /// <summary>The chats and messages store's reads and deletions (its rows are written by <see cref="ChatProjector"/>).</summary>
    public ChatStore Chats => new(Database);

    /// <summary>Link downloads and media uploads for sends of files (null: such sends are refused as unavailable).</summary>
    public Media.EdgeMedia? Media { get; init; }

    /// <summary>The webhooks' store, secrets and worker signal (null: the webhook routes are not mapped).</summary>
    public Webhooks.WebhookServices? Webhooks { get; init; }

    /// <summary>The dependencies over one database: its tenants, keys, directory and quotas.</summary>
    public static EdgeDependencies Over(EdgeDatabase database, EdgeOptions options, AdminKey adminKey, SessionGateway sessions, SessionEventLog events, TimeProvider clock)
    {
        var tenants = new TenantStore(database);
        return new EdgeDependencies(options, adminKey, sessions, events, clock, database, new SessionDirectory(database, clock), tenants,
            new ApiKeys(tenants, clock), new TenantSendRates(tenants.FindAsync, clock));
    }
}
