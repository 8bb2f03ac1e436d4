using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using SessionCluster.Edge.Problems;
using Status = Grpc.Core.Status;

namespace SessionCluster.Edge.Grpc;

/// <summary>
/// The one place where the edge's problems (the same values REST answers as problem+json) become gRPC statuses. The
/// HTTP status picks the gRPC code (<see cref="CodeFor"/>); the problem's stable <c>code</c> goes in the trailer
/// <see cref="CodeTrailer"/> and in a google.rpc.ErrorInfo's reason; a problem worth retrying carries
/// google.rpc.RetryInfo and the trailer <see cref="RetryAfterTrailer"/> (whole seconds, as REST's Retry-After), both in
/// <c>grpc-status-details-bin</c> (google.rpc.Status) for clients that read rich errors.
/// </summary>
internal static class GrpcProblems
{
    /// <summary>The trailer with the problem's stable code (docs/API.md, "Problem codes").</summary>
    public const string CodeTrailer = "problem-code";

    /// <summary>The trailer with the seconds to wait before retrying, when a retry helps.</summary>
    public const string RetryAfterTrailer = "retry-after";

    /// <summary>ErrorInfo's domain: the API's package.</summary>
    public const string Domain = "sessioncluster.v1";

    /// <summary>
    /// A session that did not answer within <see cref="EdgeOptions.AskTimeout"/> is busy or recovering its log; one
    /// second lets a recovery finish before the client asks again (a send with the same key is never sent twice).
    /// </summary>
    public static readonly TimeSpan TimeoutRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>The RpcException that answers <paramref name="problem"/> (an <see cref="EdgeProblems"/> result).</summary>
    public static RpcException ToException(IResult problem)
    {
        var retryAfter = (TimeSpan?)null;
        if (problem is EdgeProblems.RetryAfterResult retry)
        {
            retryAfter = retry.RetryAfter;
            problem = retry.Inner;
        }

        if (problem is not ProblemHttpResult { ProblemDetails: { Status: { } status } details })
        {
            throw new InvalidOperationException($"{problem.GetType().Name} is not an edge problem; only EdgeProblems results are mapped to gRPC.");
        }

        var code = details.Extensions.TryGetValue("code", out var value) && value is string text ? text : throw new InvalidOperationException("An edge problem without a code.");
        if (status == StatusCodes.Status504GatewayTimeout)
        {
            retryAfter ??= TimeoutRetryAfter;
        }

        return Exception(CodeFor(status, code), code, details.Detail ?? details.Title ?? code, retryAfter);
    }

    /// <summary>The gRPC code for a problem's HTTP status (and, for a 409, its code): docs/API.md's table.</summary>
    public static StatusCode CodeFor(int httpStatus, string problemCode) => httpStatus switch
    {
        StatusCodes.Status400BadRequest or StatusCodes.Status422UnprocessableEntity => StatusCode.InvalidArgument,
        StatusCodes.Status401Unauthorized => StatusCode.Unauthenticated,
        StatusCodes.Status403Forbidden => StatusCode.PermissionDenied,
        StatusCodes.Status404NotFound or StatusCodes.Status410Gone => StatusCode.NotFound,
        StatusCodes.Status409Conflict => problemCode == ProblemCodes.SessionExists ? StatusCode.AlreadyExists : StatusCode.FailedPrecondition,
        StatusCodes.Status413PayloadTooLarge or StatusCodes.Status429TooManyRequests => StatusCode.ResourceExhausted,
        StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout => StatusCode.Unavailable,
        _ => throw new InvalidOperationException($"No gRPC status is mapped for HTTP {httpStatus} ({problemCode})."),
    };

    public static RpcException Exception(StatusCode status, string code, string detail, TimeSpan? retryAfter)
    {
        var rich = new Google.Rpc.Status { Code = (int)status, Message = detail, Details = { Any.Pack(new ErrorInfo { Reason = code, Domain = Domain }) } };
        var trailers = new Metadata { { CodeTrailer, code } };
        if (retryAfter is { } wait)
        {
            var seconds = EdgeProblems.RetryAfterResult.Seconds(wait);
            rich.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(seconds)) }));
            trailers.Add(RetryAfterTrailer, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        trailers.SetRpcStatus(rich);
        return new RpcException(new Status(status, detail), trailers);
    }

    /// <summary>The value of a successful step, or throws the RpcException for its problem.</summary>
    public static T Answer<T>((T? Value, IResult? Problem) outcome)
        where T : class =>
        outcome.Value ?? throw ToException(outcome.Problem ?? throw new InvalidOperationException("An outcome with neither a value nor a problem."));
}
