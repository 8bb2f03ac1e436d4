using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Sessions;
using static SessionCluster.Edge.Groups.GroupCalls;

namespace SessionCluster.Edge.Groups;

/// <summary>
/// Group management through a session over REST (docs/API.md "Groups"): create, read, change subject and description,
/// change members, leave, invite link. Each is one command to the session, which asks the server on its live
/// connection; <see cref="GroupCalls"/> holds what REST and gRPC share.
/// </summary>
internal static class GroupRoutes
{
    public sealed record CreateGroupRequest(string? Subject = null, IReadOnlyList<string>? Participants = null);

    public sealed record UpdateGroupRequest(string? Subject = null, string? Description = null);

    public sealed record ParticipantsRequest(IReadOnlyList<string>? Participants = null);

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        v1.MapPost("/sessions/{id}/groups", (string id, HttpContext http, CancellationToken ct) =>
            WithBodyAsync<CreateGroupRequest, GroupView>(http, id, deps, ct, (entry, body) => CreateAsync(entry, body.Subject, body.Participants, deps, ct),
                view => Results.Created($"/v1/sessions/{id}/groups/{view.Jid}", view)))
            .Accepts<CreateGroupRequest>("application/json").Produces<GroupView>(StatusCodes.Status201Created);

        v1.MapGet("/sessions/{id}/groups/{jid}", async (string id, string jid, HttpContext http, CancellationToken ct) =>
            Answer(await SessionCall.WithSessionAsync(http, id, deps, entry => GetAsync(entry, jid, deps, ct), ct).ConfigureAwait(false), Results.Ok))
            .Produces<GroupView>();

        v1.MapPatch("/sessions/{id}/groups/{jid}", (string id, string jid, HttpContext http, CancellationToken ct) =>
            WithBodyAsync<UpdateGroupRequest, GroupView>(http, id, deps, ct, (entry, body) => UpdateAsync(entry, jid, body.Subject, body.Description, deps, ct), Results.Ok))
            .Accepts<UpdateGroupRequest>("application/json").Produces<GroupView>();

        v1.MapPost("/sessions/{id}/groups/{jid}/participants:{action}", (string id, string jid, string action, HttpContext http, CancellationToken ct) =>
            WithBodyAsync<ParticipantsRequest, ParticipantsResponse>(http, id, deps, ct,
                (entry, body) => ChangeParticipantsAsync(entry, jid, action, body.Participants, deps, ct), Results.Ok))
            .Accepts<ParticipantsRequest>("application/json").Produces<ParticipantsResponse>();

        v1.MapPost("/sessions/{id}/groups/{jid}:leave", async (string id, string jid, HttpContext http, CancellationToken ct) =>
            Answer(await SessionCall.WithSessionAsync(http, id, deps, entry => LeaveAsync(entry, jid, deps, ct), ct).ConfigureAwait(false), _ => Results.NoContent()));

        v1.MapGet("/sessions/{id}/groups/{jid}/invite", async (string id, string jid, HttpContext http, CancellationToken ct) =>
            Answer(await SessionCall.WithSessionAsync(http, id, deps, entry => InviteAsync(entry, jid, reset: false, deps, ct), ct).ConfigureAwait(false), Results.Ok))
            .Produces<InviteView>();

        v1.MapPost("/sessions/{id}/groups/{jid}/invite:reset", async (string id, string jid, HttpContext http, CancellationToken ct) =>
            Answer(await SessionCall.WithSessionAsync(http, id, deps, entry => InviteAsync(entry, jid, reset: true, deps, ct), ct).ConfigureAwait(false), Results.Ok))
            .Produces<InviteView>();
    }

    private static IResult Answer<T>((T? Value, IResult? Problem) outcome, Func<T, IResult> success)
        where T : class =>
        outcome.Value is { } value ? success(value) : outcome.Problem ?? throw new InvalidOperationException("A group call answered neither a value nor a problem.");

    /// <summary>The session found (a 404 before anything else), the JSON body read (a 400 when it is not one), then the call.</summary>
    private static async Task<IResult> WithBodyAsync<TBody, T>(
        HttpContext http, string rawId, EdgeDependencies deps, CancellationToken ct, Func<SessionEntry, TBody, Task<(T? Value, IResult? Problem)>> call, Func<T, IResult> success)
        where TBody : class
        where T : class
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        var (body, bodyProblem) = await JsonBody.ReadAsync<TBody>(http.Request, null, ct).ConfigureAwait(false);
        return bodyProblem ?? Answer(await call(entry, body!).ConfigureAwait(false), success);
    }
}
