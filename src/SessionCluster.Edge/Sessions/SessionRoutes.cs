using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Sessions;

/// <summary><c>POST /v1/sessions</c>, <c>GET</c> and <c>DELETE /v1/sessions/{id}</c>.</summary>
internal static class SessionRoutes
{
    public sealed record CreateSessionRequest(string? Id = null, string? DeviceName = null, string? Platform = null, bool? MarkOnline = null);

    /// <summary>Defaults for what a create leaves out: the name the phone lists, the platform WhatsApp Web announces.</summary>
    private const string DefaultDeviceName = "SessionCluster";
    private const string DefaultPlatform = "Chrome";
    private const int MaxNameLength = 64;

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        v1.MapPost("/sessions", (HttpRequest request, CancellationToken ct) => CreateAsync(request, deps, ct));
        v1.MapGet("/sessions/{id}", (string id, CancellationToken ct) => GetAsync(id, deps, ct));
        v1.MapDelete("/sessions/{id}", (string id, CancellationToken ct) => DeleteAsync(id, deps, ct));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, EdgeDependencies deps, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, new CreateSessionRequest(), ct).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        SessionId? id = null;
        if (body!.Id is not null && !SessionIds.TryParse(body.Id, out id))
        {
            return EdgeProblems.InvalidRequest($"id must be {SessionIds.Rule}");
        }

        if (Invalid(body.DeviceName) || Invalid(body.Platform))
        {
            return EdgeProblems.InvalidRequest($"deviceName and platform must be 1 to {MaxNameLength} printable characters");
        }

        id ??= SessionIds.New();
        var options = new SessionCluster.Sessions.SessionOptions(body.DeviceName ?? DefaultDeviceName, body.Platform ?? DefaultPlatform, body.MarkOnline ?? true);
        return await deps.Sessions.AskAsync(new Create(id, options), ct).ConfigureAwait(false) switch
        {
            Created created => Results.Created($"/v1/sessions/{id.Value}", SessionView.From(created.Status)),
            var other => ReplyProblems.For(other),
        };
    }

    private static async Task<IResult> GetAsync(string rawId, EdgeDependencies deps, CancellationToken ct)
    {
        if (!SessionIds.TryParse(rawId, out var id))
        {
            return EdgeProblems.InvalidRequest($"the session id must be {SessionIds.Rule}");
        }

        return await deps.Sessions.AskAsync(new GetStatus(id), ct).ConfigureAwait(false) switch
        {
            // A deleted session keeps its log (its events stay readable) but is gone as a resource.
            StatusReply { Status.Status: SessionStatus.Deleted } => EdgeProblems.SessionNotFound(id.Value),
            StatusReply status => Results.Ok(SessionView.From(status.Status)),
            var other => ReplyProblems.For(other),
        };
    }

    private static async Task<IResult> DeleteAsync(string rawId, EdgeDependencies deps, CancellationToken ct)
    {
        if (!SessionIds.TryParse(rawId, out var id))
        {
            return EdgeProblems.InvalidRequest($"the session id must be {SessionIds.Rule}");
        }

        // The session answers Deleted again for a deleted session; the API says 404 for a resource that is gone.
        switch (await deps.Sessions.AskAsync(new GetStatus(id), ct).ConfigureAwait(false))
        {
            case StatusReply { Status.Status: SessionStatus.Deleted }:
                return EdgeProblems.SessionNotFound(id.Value);
            case StatusReply:
                break;
            case var other:
                return ReplyProblems.For(other);
        }

        return await deps.Sessions.AskAsync(new Delete(id), ct).ConfigureAwait(false) switch
        {
            Deleted => Results.NoContent(),
            var other => ReplyProblems.For(other),
        };
    }

    private static bool Invalid(string? name) => name is not null && (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl) || string.IsNullOrWhiteSpace(name));
}
