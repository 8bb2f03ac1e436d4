using Akka.Actor;
using Akka.Cluster;

namespace SessionCluster.Host.Management;

/// <summary>
/// <c>GET /v1/admin/cluster</c>: the cluster as this node sees it; <c>POST /v1/admin/cluster/members/{address}:leave</c>
/// and <c>:down</c>: Akka.Cluster's Leave (graceful: its shards hand off first) and Down (for a member that is gone).
/// </summary>
internal static class ClusterRoutes
{
    public static void Map(RouteGroupBuilder admin, Func<ActorSystem> system, ILogger logger)
    {
        admin.MapGet("/cluster", () => Results.Ok(ClusterView.Of(Cluster.Get(system()))));
        admin.MapPost("/cluster/members/{address}:leave", (string address) => Act(Cluster.Get(system()), address, "leave", logger));
        admin.MapPost("/cluster/members/{address}:down", (string address) => Act(Cluster.Get(system()), address, "down", logger));
    }

    private static IResult Act(Cluster cluster, string address, string action, ILogger logger)
    {
        var member = Find(cluster, Uri.UnescapeDataString(address));
        if (member is null)
        {
            return ManagementProblems.NoMember(address);
        }

        ManagementLog.MemberAction(logger, action, member.Address.ToString());
        if (action == "leave")
        {
            cluster.Leave(member.Address);
        }
        else
        {
            cluster.Down(member.Address);
        }

        return Results.Accepted(value: new MemberActionView(member.Address.ToString(), action, ClusterView.StatusName(member.Status)));
    }

    /// <summary>
    /// The member at <paramref name="address"/>, written in full (<c>akka.tcp://sessioncluster@10.0.0.5:4053</c>) or as
    /// <c>host:port</c>; null when the cluster has none there (removed members included).
    /// </summary>
    public static Member? Find(Cluster cluster, string address) =>
        cluster.State.Members.FirstOrDefault(m => Matches(m.Address, address));

    public static bool Matches(Address member, string address) =>
        string.Equals(member.ToString(), address, StringComparison.Ordinal)
        || string.Equals($"{member.Host}:{member.Port}", address, StringComparison.OrdinalIgnoreCase);
}

/// <summary>One member as <c>GET /v1/admin/cluster</c> shows it.</summary>
internal sealed record MemberView(string Address, string Status, IReadOnlyList<string> Roles, string AppVersion, bool Reachable, long Uid);

/// <summary>What a leave or down started: the member and its status when asked.</summary>
internal sealed record MemberActionView(string Address, string Action, string StatusBefore);

/// <summary>The cluster as this node sees it: itself, the leader, the oldest member (where singletons such as the shard coordinator run), the members and the unreachable ones.</summary>
internal sealed record ClusterView(string Self, string SelfStatus, string? Leader, string? Oldest, IReadOnlyList<MemberView> Members, IReadOnlyList<string> Unreachable)
{
    public static ClusterView Of(Cluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var members = state.Members
            .Select(m => new MemberView(m.Address.ToString(), StatusName(m.Status), m.Roles.Order(StringComparer.Ordinal).ToList(), m.AppVersion.ToString(),
                !unreachable.Contains(m.Address), (long)m.UniqueAddress.Uid))
            .ToList();
        // The oldest Up (or leaving) member hosts the cluster singletons, the shard coordinator among them.
        var oldest = state.Members.Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving)
            .Aggregate((Member?)null, (older, m) => older is null || m.IsOlderThan(older) ? m : older);
        return new ClusterView(cluster.SelfAddress.ToString(), StatusName(cluster.SelfMember.Status), state.Leader?.ToString(), oldest?.Address.ToString(), members,
            unreachable.Select(a => a.ToString()).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>Akka's member status in lower case (<c>joining</c>, <c>weaklyup</c>, <c>up</c>, <c>leaving</c>, <c>exiting</c>, <c>down</c>, <c>removed</c>).</summary>
    public static string StatusName(MemberStatus status) => status.ToString().ToLowerInvariant();
}
