using Grpc.Core;
using SessionCluster.Edge.Grpc;
using SessionCluster.Edge.Problems;

namespace SessionCluster.Edge.Tests.Grpc;

/// <summary>
/// docs/API.md's error table, row by row, on the one mapping function; the node tests show most rows through a real
/// call, and this pins the ones a test cannot provoke on a healthy node (a session whose secrets cannot be opened).
/// </summary>
public sealed class GrpcProblemsTests
{
    [Theory]
    [InlineData(400, ProblemCodes.InvalidRequest, StatusCode.InvalidArgument)]
    [InlineData(422, ProblemCodes.InvalidRecipient, StatusCode.InvalidArgument)]
    [InlineData(422, ProblemCodes.InvalidContent, StatusCode.InvalidArgument)]
    [InlineData(401, ProblemCodes.Unauthorized, StatusCode.Unauthenticated)]
    [InlineData(403, ProblemCodes.Forbidden, StatusCode.PermissionDenied)]
    [InlineData(404, ProblemCodes.SessionNotFound, StatusCode.NotFound)]
    [InlineData(404, ProblemCodes.TenantNotFound, StatusCode.NotFound)]
    [InlineData(409, ProblemCodes.SessionExists, StatusCode.AlreadyExists)]
    [InlineData(409, ProblemCodes.SessionEnded, StatusCode.FailedPrecondition)]
    [InlineData(409, ProblemCodes.SessionNotConnected, StatusCode.FailedPrecondition)]
    [InlineData(429, ProblemCodes.RateLimited, StatusCode.ResourceExhausted)]
    [InlineData(503, ProblemCodes.SessionUnavailable, StatusCode.Unavailable)]
    [InlineData(504, ProblemCodes.Timeout, StatusCode.Unavailable)]
    public void Each_problem_status_has_its_grpc_code(int httpStatus, string problemCode, StatusCode expected) =>
        Assert.Equal(expected, GrpcProblems.CodeFor(httpStatus, problemCode));

    [Fact]
    public void A_session_that_cannot_open_its_secrets_is_unavailable_without_retry_information_because_retrying_does_not_help()
    {
        var e = GrpcProblems.ToException(EdgeProblems.Problem(503, ProblemCodes.SessionUnavailable, "Session unavailable", "cannot open its stored secrets"));

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Equal(ProblemCodes.SessionUnavailable, e.Trailers.GetValue(GrpcProblems.CodeTrailer));
        Assert.True(GrpcErrors.HasNoRetry(e));
    }

    [Fact]
    public void A_status_without_a_mapping_is_a_bug_not_a_guess() =>
        Assert.Throws<InvalidOperationException>(() => GrpcProblems.CodeFor(418, "teapot"));
}
