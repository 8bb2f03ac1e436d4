using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Sessions;

/// <summary>
/// <c>POST /v1/sessions/{id}:restart</c>: a linked session drops its connection (if any) and connects again at once,
/// skipping any reconnect backoff it was waiting out. 202: the new connection's progress shows as
/// <c>session.status</c> events. <c>409 session_not_linked</c> for a session not linked or logged out.
/// </summary>
internal static class RestartRoutes
{
    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps) =>
        SessionCommandRoute.MapPost(v1, "/sessions/{id}:restart", deps, id => new Restart(id), reply => reply is Restarting ? Results.Accepted() : null);
}
