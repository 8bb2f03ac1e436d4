using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Linking;

/// <summary>
/// <c>POST /v1/sessions/{id}:logout</c>: the session removes itself from the phone's linked devices (when connected),
/// wipes its keys and stays <c>logged_out</c> until linked anew; the session itself (its name, its events) stays.
/// Answered 204 once the logout is durable, also when it already was logged out.
/// </summary>
internal static class LinkEndRoutes
{
    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps) =>
        v1.MapPost("/sessions/{id}:logout", (string id, HttpContext http, CancellationToken ct) => LogoutAsync(id, http, deps, ct));

    private static async Task<IResult> LogoutAsync(string rawId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        return await deps.Sessions.AskAsync(new Logout(entry.ActorId), ct).ConfigureAwait(false) switch
        {
            LoggedOut => Results.NoContent(),
            var other => ReplyProblems.For(other, entry.Id),
        };
    }
}
