namespace SessionCluster.Host.Management;

/// <summary>
/// The management API's problem+json answers (RFC 9457), shaped as the edge's (<c>type</c>, <c>title</c>,
/// <c>status</c>, <c>detail</c> and a stable <c>code</c>), so one client reads both.
/// </summary>
internal static class ManagementProblems
{
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string InvalidRequest = "invalid_request";
    public const string MemberNotFound = "member_not_found";
    public const string ShardNotFound = "shard_not_found";
    public const string MoveRefused = "move_refused";
    public const string ShardingUnavailable = "sharding_unavailable";

    public static IResult Problem(int status, string code, string title, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });

    public static IResult Invalid(string detail) => Problem(StatusCodes.Status400BadRequest, InvalidRequest, "Invalid request", detail);

    public static IResult NoMember(string address) =>
        Problem(StatusCodes.Status404NotFound, MemberNotFound, "Member not found", $"no cluster member '{address}' (GET /v1/admin/cluster lists them)");

    public static IResult NoShard(string shardId) =>
        Problem(StatusCodes.Status404NotFound, ShardNotFound, "Shard not found", $"no shard '{shardId}' is allocated in the session region (GET /v1/admin/shards/stats lists them)");

    public static IResult Refused(string detail) => Problem(StatusCodes.Status409Conflict, MoveRefused, "Move refused", detail);

    public static IResult NoSharding(string detail) => Problem(StatusCodes.Status503ServiceUnavailable, ShardingUnavailable, "Sharding unavailable", detail);
}
