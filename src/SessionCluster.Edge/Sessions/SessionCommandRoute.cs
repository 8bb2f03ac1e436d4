using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Sessions;

/// <summary>
/// A <c>POST /sessions/{id}…</c> route that is one command to one session, in four steps every such route takes in
/// the same order: the session found in the caller's tenant (<see cref="SessionAccess"/>), the JSON body read
/// (<see cref="JsonBody"/>; none for <see cref="MapPost"/>), the command built from it or a 400 problem, and the
/// session's reply answered by the route when it means success, else by <see cref="ReplyProblems"/>.
/// </summary>
internal static class SessionCommandRoute
{
    /// <summary>What a route makes of its request: the command to ask, or the problem to answer instead.</summary>
    public readonly record struct Built(IWithSessionId? Command, IResult? Problem)
    {
        public static Built Refuse(IResult problem) => new(null, problem);

        public static Built Ask(IWithSessionId command) => new(command, null);
    }

    /// <summary>A route without a body: <paramref name="command"/> of the session's actor id.</summary>
    public static RouteHandlerBuilder MapPost(RouteGroupBuilder v1, string pattern, EdgeDependencies deps, Func<SessionId, IWithSessionId> command, Func<Reply, IResult?> success) =>
        v1.MapPost(pattern, (string id, HttpContext http, CancellationToken ct) =>
            HandleAsync(id, http, deps, (entry, _) => Task.FromResult(Built.Ask(command(entry.ActorId))), success, ct));

    /// <summary>A route without a body whose command is built from the request (its route values), or refused.</summary>
    public static RouteHandlerBuilder MapPost(RouteGroupBuilder v1, string pattern, EdgeDependencies deps, Func<SessionEntry, HttpContext, Built> build, Func<Reply, IResult?> success) =>
        v1.MapPost(pattern, (string id, HttpContext http, CancellationToken ct) =>
            HandleAsync(id, http, deps, (entry, _) => Task.FromResult(build(entry, http)), success, ct));

    /// <summary>A route with a JSON body of <typeparamref name="TBody"/> (required: an empty body is a 400).</summary>
    public static RouteHandlerBuilder MapPost<TBody>(RouteGroupBuilder v1, string pattern, EdgeDependencies deps, Func<SessionEntry, TBody, HttpContext, Built> build, Func<Reply, IResult?> success)
        where TBody : class
    {
        var handle = Handler(deps, build, success);
        return v1.MapPost(pattern, (string id, HttpContext http, CancellationToken ct) => handle(id, http, ct)).Accepts<TBody>("application/json");
    }

    /// <summary>The handler <see cref="MapPost{TBody}"/> maps, for a route that is this command in one of its forms.</summary>
    public static Func<string, HttpContext, CancellationToken, Task<IResult>> Handler<TBody>(EdgeDependencies deps, Func<SessionEntry, TBody, HttpContext, Built> build, Func<Reply, IResult?> success)
        where TBody : class =>
        (id, http, ct) => HandleAsync(id, http, deps, async (entry, token) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<TBody>(http.Request, null, token).ConfigureAwait(false);
            return problem is not null ? Built.Refuse(problem) : build(entry, body!, http);
        }, success, ct);

    private static async Task<IResult> HandleAsync(
        string rawId, HttpContext http, EdgeDependencies deps, Func<SessionEntry, CancellationToken, Task<Built>> build, Func<Reply, IResult?> success, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        var built = await build(entry, ct).ConfigureAwait(false);
        if (built.Command is not { } command)
        {
            return built.Problem ?? throw new InvalidOperationException("A session command route built neither a command nor a problem.");
        }

        var reply = await deps.Sessions.AskAsync(command, ct).ConfigureAwait(false);
        return success(reply) ?? ReplyProblems.For(reply, entry.Id);
    }
}
