using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Linking;

/// <summary>
/// What an operator does to a linked session's connection. <c>POST /v1/sessions/{id}:restart</c>: the session drops its
/// connection (or its reconnect wait) and logs in again at once, without the backoff; answered 202 once that is durable
/// (the login goes on as events: <c>session.disconnected</c> with reason <c>Restart</c>, then <c>connecting</c>,
/// <c>connected</c>). <c>POST /v1/sessions/{id}:logout</c>: the session removes itself from the phone's linked devices
/// (when connected), wipes its keys and stays <c>logged_out</c> until linked anew; its name and events stay. Answered
/// 204 once the logout is durable, also when it already was logged out.
/// </summary>
internal static class ConnectionRoutes
{
    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        SessionCommandRoute.MapPost(v1, "/sessions/{id}:restart", deps, id => new Restart(id), reply => reply is Restarting ? Results.Accepted() : null)
            .Produces(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        SessionCommandRoute.MapPost(v1, "/sessions/{id}:logout", deps, id => new Logout(id), reply => reply is LoggedOut ? Results.NoContent() : null)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }
}
