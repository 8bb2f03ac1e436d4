using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using SessionCluster.Sessions.Allocation;

namespace SessionCluster.Host.Management;

/// <summary>
/// The <c>session</c> region across the cluster, from ClusterSharding's own statistics (the coordinator asks every
/// region, so any node answers for all, also one whose region is a proxy): <c>GET /v1/admin/shards/regions</c>,
/// <c>GET /v1/admin/shards/stats</c>, and <c>POST /v1/admin/shards/{shardId}:move</c>, which publishes a
/// <see cref="ShardMove"/> for <see cref="SessionShardAllocation"/>.
/// </summary>
internal static class ShardRoutes
{
    /// <summary>How long the regions have to answer: sharding's statistics take one round trip to each region.</summary>
    public static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(10);

    public static void Map(RouteGroupBuilder admin, Func<ActorSystem> system, Func<CancellationToken, Task<IActorRef>> region, ILogger logger)
    {
        admin.MapGet("/shards/regions", async (CancellationToken ct) =>
            await StatsAsync(region, ct).ConfigureAwait(false) is { } stats ? Results.Ok(RegionsView.Of(stats)) : Unavailable());
        admin.MapGet("/shards/stats", async (CancellationToken ct) =>
            await StatsAsync(region, ct).ConfigureAwait(false) is { } stats ? Results.Ok(ShardsView.Of(stats)) : Unavailable());
        admin.MapPost("/shards/{shardId}:move", (string shardId, HttpRequest request, CancellationToken ct) => MoveAsync(shardId, request, system(), region, logger, ct));
    }

    private static async Task<IResult> MoveAsync(string shardId, HttpRequest request, ActorSystem system, Func<CancellationToken, Task<IActorRef>> region, ILogger logger, CancellationToken ct)
    {
        string? to;
        try
        {
            var body = await request.ReadFromJsonAsync<MoveRequest>(ct).ConfigureAwait(false);
            to = body?.To;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return ManagementProblems.Invalid("send a JSON body {\"to\": \"<member address>\"}");
        }

        if (string.IsNullOrWhiteSpace(to))
        {
            return ManagementProblems.Invalid("\"to\" names the member to move the shard to (its address from GET /v1/admin/cluster)");
        }

        var member = ClusterRoutes.Find(Cluster.Get(system), to);
        if (member is null)
        {
            return ManagementProblems.NoMember(to);
        }

        if (await StatsAsync(region, ct).ConfigureAwait(false) is not { } stats)
        {
            return Unavailable();
        }

        var from = stats.Regions.FirstOrDefault(r => r.Value.Stats.ContainsKey(shardId)).Key;
        if (from is null)
        {
            return ManagementProblems.NoShard(shardId);
        }

        if (member.Status != MemberStatus.Up)
        {
            return ManagementProblems.Refused($"member {member.Address} is {ClusterView.StatusName(member.Status)}, not up");
        }

        if (!stats.Regions.ContainsKey(member.Address))
        {
            return ManagementProblems.Refused($"member {member.Address} runs no session region (an edge-only node?)");
        }

        if (from.Equals(member.Address))
        {
            return Results.Ok(new MoveView(shardId, from.ToString(), member.Address.ToString(), Requested: false));
        }

        ManagementLog.ShardMove(logger, shardId, from.ToString(), member.Address.ToString());
        ShardAllocationMoves.Publish(system, new ShardMove(shardId, member.Address.ToString()));
        return Results.Accepted(value: new MoveView(shardId, from.ToString(), member.Address.ToString(), Requested: true));
    }

    /// <summary>Sharding's statistics, or null when the region is not there yet (the coordinator not started: the node is joining).</summary>
    private static async Task<ClusterShardingStats?> StatsAsync(Func<CancellationToken, Task<IActorRef>> region, CancellationToken ct)
    {
        var shardRegion = await region(ct).ConfigureAwait(false);
        try
        {
            return await shardRegion.Ask<ClusterShardingStats>(new GetClusterShardingStats(StatsTimeout), StatsTimeout + TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    private static IResult Unavailable() =>
        ManagementProblems.NoSharding($"the session region's statistics did not come within {StatsTimeout.TotalSeconds:0} s (is the shard coordinator up?); ask again");

    private sealed record MoveRequest(string? To);
}

/// <summary>A move asked for: <c>requested</c> false when the shard already lives on <c>to</c> (nothing to do).</summary>
internal sealed record MoveView(string ShardId, string From, string To, bool Requested);

/// <summary>Per node with a <c>session</c> region: how many shards and entities it holds; shards that did not answer in time are <c>failedShards</c>.</summary>
internal sealed record RegionView(string Address, int Shards, int Entities, IReadOnlyList<string> FailedShards);

internal sealed record RegionsView(IReadOnlyList<RegionView> Regions, int Shards, int Entities)
{
    public static RegionsView Of(ClusterShardingStats stats)
    {
        var regions = stats.Regions
            .Select(r => new RegionView(r.Key.ToString(), r.Value.Stats.Count, r.Value.Stats.Values.Sum(), r.Value.Failed.Order(StringComparer.Ordinal).ToList()))
            .OrderBy(r => r.Address, StringComparer.Ordinal)
            .ToList();
        return new RegionsView(regions, regions.Sum(r => r.Shards), regions.Sum(r => r.Entities));
    }
}

/// <summary>One shard: the node whose region holds it and how many entities (sessions) run in it.</summary>
internal sealed record ShardView(string ShardId, string Address, int Entities);

internal sealed record ShardsView(IReadOnlyList<ShardView> Shards)
{
    public static ShardsView Of(ClusterShardingStats stats) => new(stats.Regions
        .SelectMany(r => r.Value.Stats.Select(s => new ShardView(s.Key, r.Key.ToString(), s.Value)))
        .OrderBy(s => s.ShardId.Length).ThenBy(s => s.ShardId, StringComparer.Ordinal)
        .ToList());
}
