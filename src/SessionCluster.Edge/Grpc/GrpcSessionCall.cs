using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Sessions;

namespace SessionCluster.Edge.Grpc;

/// <summary>A gRPC call on one session: found in the caller's tenant as REST finds it, then the shared call, its problem thrown as a status.</summary>
internal static class GrpcSessionCall
{
    public static async Task<T> AnswerAsync<T>(ServerCallContext context, string session, EdgeDependencies deps, Func<SessionEntry, Task<(T? Value, IResult? Problem)>> call)
        where T : class =>
        GrpcProblems.Answer(await SessionCall.WithSessionAsync(context.GetHttpContext(), session, deps, call, context.CancellationToken).ConfigureAwait(false));
}
