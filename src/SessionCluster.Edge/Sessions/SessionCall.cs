using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Problems;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Sessions;

/// <summary>
/// One command to one session, for REST and gRPC alike: the session found in the caller's tenant first
/// (<see cref="SessionAccess"/>, <see cref="WithSessionAsync"/>), the command built or refused, and the reply made into the caller's value when it means
/// success, else into its problem (<see cref="ReplyProblems"/>). REST answers the value as JSON; gRPC as its message.
/// </summary>
internal static class SessionCall
{
    /// <summary>The session named by <paramref name="rawId"/> in the caller's tenant, then <paramref name="call"/> on it.</summary>
    public static async Task<(T? Value, IResult? Problem)> WithSessionAsync<T>(
        HttpContext http, string rawId, EdgeDependencies deps, Func<SessionEntry, Task<(T? Value, IResult? Problem)>> call, CancellationToken ct)
        where T : class
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        return entry is null ? (null, problem!) : await call(entry).ConfigureAwait(false);
    }

    public static async Task<(T? Value, IResult? Problem)> AskAsync<T>(
        SessionEntry entry, EdgeDependencies deps, Func<SessionEntry, SessionCommandRoute.Built> build, Func<Reply, T?> success, CancellationToken ct)
        where T : class
    {
        var built = build(entry);
        if (built.Command is not { } command)
        {
            return (null, built.Problem ?? throw new InvalidOperationException("A session call built neither a command nor a problem."));
        }

        var reply = await deps.Sessions.AskAsync(command, ct).ConfigureAwait(false);
        return success(reply) is { } value ? (value, null) : (null, ReplyProblems.For(reply, entry.Id));
    }
}
