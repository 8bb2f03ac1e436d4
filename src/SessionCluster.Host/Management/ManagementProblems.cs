using SessionCluster.Edge.Problems;

namespace SessionCluster.Host.Management;

/// <summary>
/// The management API's own problem codes, answered as the edge's problems are (RFC 9457 with a stable <c>code</c>),
/// so one client reads both.
/// </summary>
internal static class ManagementProblems
{
    public const string MemberNotFound = "member_not_found";
    public const string ShardNotFound = "shard_not_found";
    public const string MoveRefused = "move_refused";
    public const string ShardingUnavailable = "sharding_unavailable";

    public static IResult Invalid(string detail) => EdgeProblems.InvalidRequest(detail);

    public static IResult NoMember(string address) =>
        EdgeProblems.Problem(StatusCodes.Status404NotFound, MemberNotFound, "Member not found", $"no cluster member '{address}' (GET /v1/admin/cluster lists them)");

    public static IResult NoShard(string shardId) =>
        EdgeProblems.Problem(StatusCodes.Status404NotFound, ShardNotFound, "Shard not found", $"no shard '{shardId}' is allocated in the session region (GET /v1/admin/shards/stats lists them)");

    public static IResult Refused(string detail) => EdgeProblems.Problem(StatusCodes.Status409Conflict, MoveRefused, "Move refused", detail);

    public static IResult NoSharding(string detail) => EdgeProblems.Problem(StatusCodes.Status503ServiceUnavailable, ShardingUnavailable, "Sharding unavailable", detail);
}
