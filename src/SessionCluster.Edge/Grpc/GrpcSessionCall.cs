using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Grpc;

/// <summary>A gRPC call on one session: found in the caller's tenant as REST finds it, then the shared call, its problem thrown as a status.</summary>
internal static class GrpcSessionCall
{
    public static async Task<T> AnswerAsync<T>(ServerCallContext context, string session, EdgeDependencies deps, Func<SessionEntry, Task<(T? Value, IResult? Problem)>> call)
        where T : class =>
        GrpcProblems.Answer(await SessionCall.WithSessionAsync(context.GetHttpContext(), session, deps, call, context.CancellationToken).ConfigureAwait(false));

    /// <summary>One command built as the REST route builds it (<paramref name="build"/>), and what <paramref name="success"/> makes of a reply that means success.</summary>
    public static Task<T> AskAsync<T>(ServerCallContext context, string session, EdgeDependencies deps, Func<SessionEntry, SessionCommandRoute.Built> build, Func<Reply, T?> success)
        where T : class =>
        AnswerAsync(context, session, deps, entry => SessionCall.AskAsync(entry, deps, build, success, context.CancellationToken));
}
