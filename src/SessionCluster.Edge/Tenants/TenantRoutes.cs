using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;

namespace SessionCluster.Edge.Tenants;

/// <summary>
/// The admin's tenant routes under <c>/v1/admin</c>: tenants (create, list, get, update) and their API keys (create,
/// shown once; list, without secrets; revoke).
/// </summary>
internal static partial class TenantRoutes
{
    public sealed record TenantRequest(string? Id = null, string? Name = null, int? MaxSessions = null, int? MessagesPerSecond = null, int? RetentionDays = null);

    public sealed record TenantView(string Id, string Name, int? MaxSessions, int? MessagesPerSecond, int? RetentionDays, DateTimeOffset CreatedAt)
    {
        public static TenantView From(Tenant t) => new(t.Id, t.Name, t.MaxSessions, t.MessagesPerSecond, t.RetentionDays, t.CreatedAt);
    }

    public sealed record KeyRequest(string? Name = null);

    /// <summary>A key as listed: never its secret nor its hash.</summary>
    public sealed record KeyView(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

    /// <summary>The one answer that carries a key: the create's.</summary>
    public sealed record CreatedKey(string Id, string Name, string Key, DateTimeOffset CreatedAt);

    public const string IdRule = "1 to 32 characters from [a-z0-9-], starting with a letter or digit";

    public static void Map(RouteGroupBuilder admin, EdgeDependencies deps)
    {
        admin.MapPost("/tenants", (HttpRequest request, CancellationToken ct) => CreateAsync(request, deps, ct));
        admin.MapGet("/tenants", async (CancellationToken ct) =>
            Results.Ok((await deps.Tenants.ListAsync(ct).ConfigureAwait(false)).Select(TenantView.From)));
        admin.MapGet("/tenants/{tenantId}", async (string tenantId, CancellationToken ct) =>
            await deps.Tenants.FindAsync(tenantId, ct).ConfigureAwait(false) is { } tenant ? Results.Ok(TenantView.From(tenant)) : TenantNotFound(tenantId));
        admin.MapPatch("/tenants/{tenantId}", (string tenantId, HttpRequest request, CancellationToken ct) => UpdateAsync(tenantId, request, deps, ct));
        admin.MapPost("/tenants/{tenantId}/keys", (string tenantId, HttpRequest request, CancellationToken ct) => CreateKeyAsync(tenantId, request, deps, ct));
        admin.MapGet("/tenants/{tenantId}/keys", (string tenantId, CancellationToken ct) => ListKeysAsync(tenantId, deps, ct));
        admin.MapDelete("/tenants/{tenantId}/keys/{keyId}", (string tenantId, string keyId, CancellationToken ct) => RevokeKeyAsync(tenantId, keyId, deps, ct));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, EdgeDependencies deps, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<TenantRequest>(request, null, ct).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Id is null || !TenantId().IsMatch(body.Id))
        {
            return EdgeProblems.InvalidRequest($"id must be {IdRule}");
        }

        if (Validate(body) is { } invalid)
        {
            return invalid;
        }

        var tenant = new Tenant(body.Id, body.Name ?? body.Id, body.MaxSessions, body.MessagesPerSecond, body.RetentionDays, deps.Clock.GetUtcNow());
        return await deps.Tenants.TryCreateAsync(tenant, ct).ConfigureAwait(false)
            ? Results.Created($"/v1/admin/tenants/{tenant.Id}", TenantView.From(tenant))
            : EdgeProblems.Conflict(ProblemCodes.TenantExists, "Tenant exists", $"a tenant '{tenant.Id}' exists");
    }

    /// <summary>Replaces the fields given; a quota given as null stays as it was (send 0 retention to keep no messages).</summary>
    private static async Task<IResult> UpdateAsync(string tenantId, HttpRequest request, EdgeDependencies deps, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<TenantRequest>(request, null, ct).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Id is not null && body.Id != tenantId)
        {
            return EdgeProblems.InvalidRequest("a tenant's id cannot change");
        }

        if (Validate(body) is { } invalid)
        {
            return invalid;
        }

        if (await deps.Tenants.FindAsync(tenantId, ct).ConfigureAwait(false) is not { } tenant)
        {
            return TenantNotFound(tenantId);
        }

        var updated = tenant with
        {
            Name = body.Name ?? tenant.Name,
            MaxSessions = body.MaxSessions ?? tenant.MaxSessions,
            MessagesPerSecond = body.MessagesPerSecond ?? tenant.MessagesPerSecond,
            RetentionDays = body.RetentionDays ?? tenant.RetentionDays,
        };
        await deps.Tenants.UpdateAsync(updated, ct).ConfigureAwait(false);
        deps.SendRates.Forget(tenantId);
        return Results.Ok(TenantView.From(updated));
    }

    private static async Task<IResult> CreateKeyAsync(string tenantId, HttpRequest request, EdgeDependencies deps, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, new KeyRequest(), ct).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Name is { } name && (name.Length is 0 or > 64 || name.Any(char.IsControl)))
        {
            return EdgeProblems.InvalidRequest("name must be 1 to 64 printable characters");
        }

        if (await deps.Tenants.FindAsync(tenantId, ct).ConfigureAwait(false) is null)
        {
            return TenantNotFound(tenantId);
        }

        var (stored, plaintext) = await deps.Keys.CreateAsync(tenantId, body.Name ?? "key", ct).ConfigureAwait(false);
        return Results.Created($"/v1/admin/tenants/{tenantId}/keys/{stored.Id}", new CreatedKey(stored.Id, stored.Name, plaintext, stored.CreatedAt));
    }

    private static async Task<IResult> ListKeysAsync(string tenantId, EdgeDependencies deps, CancellationToken ct)
    {
        if (await deps.Tenants.FindAsync(tenantId, ct).ConfigureAwait(false) is null)
        {
            return TenantNotFound(tenantId);
        }

        var keys = await deps.Tenants.ListKeysAsync(tenantId, ct).ConfigureAwait(false);
        return Results.Ok(keys.Select(k => new KeyView(k.Id, k.Name, k.CreatedAt, k.RevokedAt)));
    }

    private static async Task<IResult> RevokeKeyAsync(string tenantId, string keyId, EdgeDependencies deps, CancellationToken ct)
    {
        if (!await deps.Tenants.RevokeKeyAsync(tenantId, keyId, deps.Clock.GetUtcNow(), ct).ConfigureAwait(false))
        {
            return EdgeProblems.NotFound(ProblemCodes.KeyNotFound, "Key not found", $"tenant '{tenantId}' has no live key '{keyId}'");
        }

        deps.Keys.Forget(keyId);
        return Results.NoContent();
    }

    private static IResult? Validate(TenantRequest body) =>
        body.Name is { } name && (name.Length is 0 or > 100 || name.Any(char.IsControl)) ? EdgeProblems.InvalidRequest("name must be 1 to 100 printable characters")
        : body.MaxSessions is < 0 ? EdgeProblems.InvalidRequest("maxSessions must be 0 or more")
        : body.MessagesPerSecond is < 1 or > 100_000 ? EdgeProblems.InvalidRequest("messagesPerSecond must be from 1 to 100000")
        : body.RetentionDays is < 0 or > 36_500 ? EdgeProblems.InvalidRequest("retentionDays must be from 0 to 36500")
        : null;

    private static IResult TenantNotFound(string id) => EdgeProblems.NotFound(ProblemCodes.TenantNotFound, "Tenant not found", $"no tenant '{id}'");

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex TenantId();
}
