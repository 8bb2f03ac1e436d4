using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Problems;

namespace SessionCluster.Edge.Sessions;

/// <summary>
/// The first step of every <c>/v1/sessions/{id}</c> route: the id checked, then looked up in the caller's tenant only.
/// Another tenant's session and one that never existed are the same 404, and neither reaches an actor.
/// </summary>
internal static class SessionAccess
{
    public static async Task<(SessionEntry? Entry, IResult? Problem)> FindAsync(HttpContext http, string rawId, EdgeDependencies deps, CancellationToken ct)
    {
        if (!SessionIds.TryParse(rawId, out _))
        {
            return (null, EdgeProblems.InvalidRequest($"the session id must be {SessionIds.Rule}"));
        }

        var entry = await deps.Directory.FindAsync(Caller.Of(http).TenantId, rawId, ct).ConfigureAwait(false);
        return entry is null ? (null, EdgeProblems.SessionNotFound(rawId)) : (entry, null);
    }
}
