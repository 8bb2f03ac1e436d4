namespace SessionCluster.Simulator;

/// <summary>An admin request the simulator refuses; rendered as an RFC 7807 problem response.</summary>
internal sealed class AdminProblemException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public static AdminProblemException BadRequest(string detail) => new(400, "Bad request", detail);

    public static AdminProblemException NotFound(string detail) => new(404, "Not found", detail);
}
