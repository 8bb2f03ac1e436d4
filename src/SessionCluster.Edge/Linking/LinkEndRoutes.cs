using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
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
        SessionCommandRoute.MapPost(v1, "/sessions/{id}:logout", deps, id => new Logout(id), reply => reply is LoggedOut ? Results.NoContent() : null);
}
