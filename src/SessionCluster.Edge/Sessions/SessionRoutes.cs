using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Problems;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Sessions;

/// <summary><c>POST</c> and <c>GET /v1/sessions</c>, <c>GET</c> and <c>DELETE /v1/sessions/{id}</c>, all within the caller's tenant.</summary>
internal static class SessionRoutes
{
    public sealed record CreateSessionRequest(string? Id = null, string? DeviceName = null, string? Platform = null, bool? MarkOnline = null);

    public sealed record SessionPage(IReadOnlyList<SessionView> Sessions, string? Next);

    /// <summary>Defaults for what a create leaves out: the name the phone lists, the platform WhatsApp Web announces.</summary>
    private const string DefaultDeviceName = "SessionCluster";
    private const string DefaultPlatform = "Chrome";
    private const int MaxNameLength = 64;
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;

    /// <summary>A sessions quota frees when a session is deleted or the admin raises it, not with time: a minute is a polite retry.</summary>
    private static readonly TimeSpan SessionQuotaRetryAfter = TimeSpan.FromMinutes(1);

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        v1.MapPost("/sessions", (HttpContext http, CancellationToken ct) => CreateAsync(http, deps, ct));
        v1.MapGet("/sessions", (HttpContext http, CancellationToken ct) => ListAsync(http, deps, ct));
        v1.MapGet("/sessions/{id}", (string id, HttpContext http, CancellationToken ct) => GetAsync(id, http, deps, ct));
        v1.MapDelete("/sessions/{id}", (string id, HttpContext http, CancellationToken ct) => DeleteAsync(id, http, deps, ct));
    }

    private static async Task<IResult> CreateAsync(HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, new CreateSessionRequest(), ct).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var (view, refused) = await CreateAsync(http, body!, deps, ct).ConfigureAwait(false);
        return view is null ? refused! : Results.Created($"/v1/sessions/{view.Id}", view);
    }

    /// <summary>Creates a session in the caller's tenant (REST and gRPC): the new session, or the problem to answer.</summary>
    public static async Task<(SessionView? View, IResult? Problem)> CreateAsync(HttpContext http, CreateSessionRequest body, EdgeDependencies deps, CancellationToken ct)
    {
        if (body.Id is not null && !SessionIds.TryParse(body.Id, out _))
        {
            return (null, EdgeProblems.InvalidRequest($"id must be {SessionIds.Rule}"));
        }

        if (Invalid(body.DeviceName) || Invalid(body.Platform))
        {
            return (null, EdgeProblems.InvalidRequest($"deviceName and platform must be 1 to {MaxNameLength} printable characters"));
        }

        var caller = Caller.Of(http);
        if (await deps.Tenants.FindAsync(caller.TenantId, ct).ConfigureAwait(false) is not { } tenant)
        {
            return (null, EdgeProblems.NotFound(ProblemCodes.TenantNotFound, "Tenant not found", $"no tenant '{caller.TenantId}' ({EdgeAuthFilter.TenantHeader})"));
        }

        if (tenant.MaxSessions is { } max && await deps.Directory.CountAsync(tenant.Id, ct).ConfigureAwait(false) >= max)
        {
            return (null, EdgeProblems.TooManyRequests(ProblemCodes.SessionQuotaExceeded,
                $"tenant '{tenant.Id}' has its {max} sessions; delete one, or ask the admin to raise maxSessions", SessionQuotaRetryAfter));
        }

        var id = body.Id ?? SessionIds.New().Value;
        var entry = await deps.Directory.TryReserveAsync(tenant.Id, id, ct).ConfigureAwait(false);
        if (entry is null)
        {
            // The name is taken; if the earlier create was cut short before its session answered, finishing it is safe.
            entry = await deps.Directory.FindAsync(tenant.Id, id, ct).ConfigureAwait(false);
            if (entry is null || await deps.Sessions.AskAsync(new GetStatus(entry.ActorId), ct).ConfigureAwait(false) is not NotFound)
            {
                return (null, EdgeProblems.SessionExists(id));
            }
        }

        var options = new SessionCluster.Sessions.SessionOptions(body.DeviceName ?? DefaultDeviceName, body.Platform ?? DefaultPlatform, body.MarkOnline ?? true);
        return await deps.Sessions.AskAsync(new Create(entry.ActorId, options), ct).ConfigureAwait(false) switch
        {
            Created created => (SessionView.From(entry, created.Status), null),
            var other => (null, ReplyProblems.For(other, id)),
        };
    }

    private static async Task<IResult> ListAsync(HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var query = http.Request.Query;
        var limit = DefaultPageSize;
        if (query.ContainsKey("limit") && !int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit))
        {
            limit = -1;
        }

        var (page, problem) = await ListAsync(http, query["cursor"].ToString(), limit, query["status"].ToString(), deps, ct).ConfigureAwait(false);
        return page is null ? problem! : Results.Ok(page);
    }

    /// <summary>A page of the caller's sessions (REST and gRPC); <paramref name="status"/> empty for all.</summary>
    public static async Task<(SessionPage? Page, IResult? Problem)> ListAsync(HttpContext http, string after, int limit, string status, EdgeDependencies deps, CancellationToken ct)
    {
        if (after.Length > 0 && !SessionIds.TryParse(after, out _))
        {
            return (null, EdgeProblems.InvalidRequest("cursor must be the next value of the previous page"));
        }

        if (limit is < 1 or > MaxPageSize)
        {
            return (null, EdgeProblems.InvalidRequest($"limit must be a whole number from 1 to {MaxPageSize} (default {DefaultPageSize})"));
        }

        var entries = await deps.Directory.ListAsync(Caller.Of(http).TenantId, after.Length == 0 ? null : after, limit, ct).ConfigureAwait(false);
        var views = new List<SessionView>(entries.Count);
        foreach (var entry in entries)
        {
            if (await deps.Sessions.AskAsync(new GetStatus(entry.ActorId), ct).ConfigureAwait(false) is StatusReply reply)
            {
                var view = SessionView.From(entry, reply.Status);
                if (status.Length == 0 || view.Status == status)
                {
                    views.Add(view);
                }
            }
        }

        return (new SessionPage(views, entries.Count == limit ? entries[^1].Id : null), null);
    }

    private static async Task<IResult> GetAsync(string rawId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (view, problem) = await FindViewAsync(http, rawId, deps, ct).ConfigureAwait(false);
        return view is null ? problem! : Results.Ok(view);
    }

    /// <summary>One session of the caller's tenant with its status (REST and gRPC), or the problem to answer.</summary>
    public static async Task<(SessionView? View, IResult? Problem)> FindViewAsync(HttpContext http, string rawId, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return (null, problem!);
        }

        return await deps.Sessions.AskAsync(new GetStatus(entry.ActorId), ct).ConfigureAwait(false) switch
        {
            StatusReply status => (SessionView.From(entry, status.Status), null),
            var other => (null, ReplyProblems.For(other, entry.Id)),
        };
    }

    private static async Task<IResult> DeleteAsync(string rawId, HttpContext http, EdgeDependencies deps, CancellationToken ct) =>
        await DeleteSessionAsync(http, rawId, deps, ct).ConfigureAwait(false) ?? Results.NoContent();

    /// <summary>Deletes a session of the caller's tenant (REST and gRPC): null when done, else the problem to answer.</summary>
    public static async Task<IResult?> DeleteSessionAsync(HttpContext http, string rawId, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        // The actor first: once it has wiped its keys the name is freed. A session whose create never reached its actor
        // (NotFound) has nothing to wipe.
        switch (await deps.Sessions.AskAsync(new Delete(entry.ActorId), ct).ConfigureAwait(false))
        {
            case Deleted or NotFound:
                await deps.Directory.MarkDeletedAsync(entry, ct).ConfigureAwait(false);
                await deps.SessionDeleted(entry, ct).ConfigureAwait(false);
                return null;
            case var other:
                return ReplyProblems.For(other, entry.Id);
        }
    }

    private static bool Invalid(string? name) => name is not null && (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl) || string.IsNullOrWhiteSpace(name));
}
