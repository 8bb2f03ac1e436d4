using Google.Rpc;
using Grpc.Core;

namespace SessionCluster.Edge.Tests.Grpc;

/// <summary>Asserts on gRPC errors: the status code, the problem's code (trailer and ErrorInfo), and retry information.</summary>
internal static class GrpcErrors
{
    public static async Task<RpcException> AssertAsync(Func<Task> call, StatusCode status, string problemCode)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(e.StatusCode == status, $"expected {status} {problemCode}, got {e.StatusCode}: {e.Status.Detail}");
        Assert.Equal(problemCode, e.Trailers.GetValue("problem-code"));
        var rich = e.GetRpcStatus();
        Assert.NotNull(rich);
        Assert.Equal((int)status, rich.Code);
        Assert.Equal(e.Status.Detail, rich.Message);
        var info = Assert.Single(rich.Details.Where(d => d.Is(ErrorInfo.Descriptor)).Select(d => d.Unpack<ErrorInfo>()));
        Assert.Equal(problemCode, info.Reason);
        Assert.Equal("sessioncluster.v1", info.Domain);
        return e;
    }

    /// <summary>The retry delay the error carries, in RetryInfo and in the <c>retry-after</c> trailer (the same whole seconds); fails without one.</summary>
    public static TimeSpan RetryAfter(RpcException e)
    {
        var retry = Assert.Single(e.GetRpcStatus()!.Details.Where(d => d.Is(RetryInfo.Descriptor)).Select(d => d.Unpack<RetryInfo>()));
        var seconds = int.Parse(e.Trailers.GetValue("retry-after") ?? throw new Xunit.Sdk.XunitException("no retry-after trailer"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromSeconds(seconds), retry.RetryDelay.ToTimeSpan());
        Assert.True(seconds >= 1, $"retry after {seconds} s");
        return retry.RetryDelay.ToTimeSpan();
    }

    /// <summary>True when the error carries no retry information.</summary>
    public static bool HasNoRetry(RpcException e) =>
        e.Trailers.GetValue("retry-after") is null && !e.GetRpcStatus()!.Details.Any(d => d.Is(RetryInfo.Descriptor));
}
