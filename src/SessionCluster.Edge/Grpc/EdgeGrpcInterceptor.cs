using Akka.Actor;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Problems;

namespace SessionCluster.Edge.Grpc;

/// <summary>
/// In front of every gRPC call, what the <c>/v1</c> group's filters do for REST: waits for the edge's tables, checks
/// the metadata <c>authorization: Bearer &lt;key&gt;</c> (and <c>x-tenant-id</c> for the admin key) with the same
/// <see cref="EdgeAuthFilter.AuthenticateAsync"/>, and attaches the <see cref="Caller"/> to the call's HttpContext, so
/// the shared route functions scope it to its tenant exactly as REST does. A session that does not answer in time is
/// UNAVAILABLE with retry information rather than an unknown error.
/// </summary>
internal sealed class EdgeGrpcInterceptor(EdgeDependencies deps, ILogger<EdgeGrpcInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthenticateAsync(context).ConfigureAwait(false);
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            throw TimedOut(context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthenticateAsync(context).ConfigureAwait(false);
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            throw TimedOut(context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthenticateAsync(context).ConfigureAwait(false);
        return await continuation(requestStream, context).ConfigureAwait(false);
    }

    private async Task AuthenticateAsync(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        await deps.Ready.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        var authorization = http.Request.Headers.Authorization.ToString();
        var tenant = http.Request.Headers.TryGetValue(EdgeAuthFilter.TenantHeader, out var values) ? values.ToString() : null;
        var (caller, forbidden) = await EdgeAuthFilter.AuthenticateAsync(authorization, tenant, deps.AdminKey, deps.Keys, adminOnly: false, context.CancellationToken).ConfigureAwait(false);
        if (forbidden is not null)
        {
            throw GrpcProblems.ToException(forbidden);
        }

        if (caller is null)
        {
            throw GrpcProblems.Exception(StatusCode.Unauthenticated, ProblemCodes.Unauthorized, EdgeAuthFilter.Unauthenticated(authorization), null);
        }

        caller.AttachTo(http);
    }

    private RpcException TimedOut(ServerCallContext context)
    {
        GrpcLog.SessionTimedOut(logger, context.Method, deps.Options.AskTimeout.TotalSeconds, GrpcProblems.TimeoutRetryAfter.TotalSeconds);
        return GrpcProblems.Exception(StatusCode.Unavailable, ProblemCodes.Timeout,
            $"the session did not answer within {deps.Options.AskTimeout.TotalSeconds:0} s; call again (a send with the same idempotency_key is not sent twice)",
            GrpcProblems.TimeoutRetryAfter);
    }
}
