using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;

namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// <c>/v1/webhooks</c> (every session of the caller's tenant) and <c>/v1/sessions/{id}/webhooks</c> (one session):
/// create, list, get, delete, a new signing secret, the dead letters and their replay. The same handlers serve both; a webhook is found
/// only in its own tenant and scope, so another tenant's webhook, or another session's, is the same 404 as none.
/// </summary>
internal static class WebhookRoutes
{
    public const int DefaultDeadLetterLimit = 100;
    public const int MaxDeadLetterLimit = 1000;

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        if (deps.Webhooks is not { } services)
        {
            return;
        }

        var logger = ((IEndpointRouteBuilder)v1).ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebhookRoutes).FullName!);

        foreach (var (prefix, scoped) in new[] { ("/webhooks", false), ("/sessions/{id}/webhooks", true) })
        {
            var group = v1.MapGroup(prefix);
            var scope = new Scoping(deps, scoped);
            group.MapPost("", (HttpContext http, CancellationToken ct) => CreateAsync(http, scope, services, logger, ct));
            group.MapGet("", (HttpContext http, CancellationToken ct) => ListAsync(http, scope, services, ct));
            group.MapGet("/{wid}", (string wid, HttpContext http, CancellationToken ct) => GetAsync(http, scope, services, wid, ct));
            group.MapDelete("/{wid}", (string wid, HttpContext http, CancellationToken ct) => DeleteAsync(http, scope, services, wid, logger, ct));
            group.MapPut("/{wid}/secret", (string wid, HttpContext http, CancellationToken ct) => RotateSecretAsync(http, scope, services, wid, logger, ct));
            group.MapGet("/{wid}/cursors", (string wid, HttpContext http, CancellationToken ct) => CursorsAsync(http, scope, services, wid, ct));
            group.MapGet("/{wid}/dead-letters", (string wid, HttpContext http, CancellationToken ct) => DeadLettersAsync(http, scope, services, wid, ct));
            group.MapPost("/{wid}/dead-letters:replay", (string wid, HttpContext http, CancellationToken ct) => ReplayAsync(http, scope, services, wid, null, ct));
            group.MapPost("/{wid}/dead-letters/{dlid}:replay", (string wid, string dlid, HttpContext http, CancellationToken ct) =>
                ReplayAsync(http, scope, services, wid, dlid, ct));
        }
    }

    private static async Task<IResult> CreateAsync(HttpContext http, Scoping scoping, WebhookServices services, ILogger logger, CancellationToken ct)
    {
        var (scope, problem) = await scoping.ResolveAsync(http, ct).ConfigureAwait(false);
        if (scope is null)
        {
            return problem!;
        }

        var (request, bodyProblem) = await JsonBody.ReadAsync<WebhookRequest>(http.Request, null, ct).ConfigureAwait(false);
        if (request is null)
        {
            return bodyProblem!;
        }

        var (spec, error) = request.Check();
        if (spec is null)
        {
            return EdgeProblems.InvalidRequest(error!);
        }

        if (spec.VerifyToken is { } token && await services.Verification.VerifyAsync(spec.Url, token, ct).ConfigureAwait(false) is { } failure)
        {
            return EdgeProblems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.WebhookVerificationFailed, "Webhook verification failed",
                $"{failure}; a Cloud API receiver answers GET ?hub.mode=subscribe&hub.verify_token=<its token>&hub.challenge=<n> with 200 and the challenge as its body");
        }

        var id = "wh_" + Guid.CreateVersion7().ToString("N");
        var secret = spec.Secret ?? WebhookSecrets.Generate();
        var webhook = new Webhook(id, scope.TenantId, scope.Session?.ActorId.Value, spec.Url, spec.Events, services.Secrets.Seal(id, secret), spec.Format,
            spec.Policy, scoping.Clock.GetUtcNow());
        await services.Store.CreateAsync(webhook, ct).ConfigureAwait(false);
        services.Changed();
        WebhookLog.Created(logger, id, scope.TenantId, scope.Session is null ? "every session" : "one session", spec.Url.Host, spec.Format.ToString().ToLowerInvariant());
        return Results.Created($"{http.Request.Path}/{id}", WebhookView.From(webhook, scope.Session?.Id, secret));
    }

    private static async Task<IResult> ListAsync(HttpContext http, Scoping scoping, WebhookServices services, CancellationToken ct)
    {
        var (scope, problem) = await scoping.ResolveAsync(http, ct).ConfigureAwait(false);
        if (scope is null)
        {
            return problem!;
        }

        var webhooks = await services.Store.ListAsync(scope.TenantId, scope.Key, ct).ConfigureAwait(false);
        return Results.Ok(new WebhookList([.. webhooks.Select(w => WebhookView.From(w, scope.Session?.Id))]));
    }

    private static async Task<IResult> GetAsync(HttpContext http, Scoping scoping, WebhookServices services, string wid, CancellationToken ct)
    {
        var (webhook, scope, problem) = await FindAsync(http, scoping, services, wid, ct).ConfigureAwait(false);
        return webhook is null ? problem! : Results.Ok(WebhookView.From(webhook, scope!.Session?.Id));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, Scoping scoping, WebhookServices services, string wid, ILogger logger, CancellationToken ct)
    {
        var (scope, problem) = await scoping.ResolveAsync(http, ct).ConfigureAwait(false);
        if (scope is null)
        {
            return problem!;
        }

        if (!await services.Store.DeleteAsync(scope.TenantId, scope.Key, wid, ct).ConfigureAwait(false))
        {
            return WebhookNotFound(wid);
        }

        services.Changed();
        WebhookLog.Deleted(logger, wid, scope.TenantId);
        return Results.NoContent();
    }

    /// <summary>
    /// A new signing secret, sealed as at creation and shown only in this answer. The webhook is found before the body is
    /// read, so another tenant's webhook is a 404 whatever the body. This node's lanes sign with it from their next
    /// attempt (the rescan <see cref="WebhookServices.Changed"/> starts); other nodes' from their next rescan.
    /// </summary>
    private static async Task<IResult> RotateSecretAsync(HttpContext http, Scoping scoping, WebhookServices services, string wid, ILogger logger, CancellationToken ct)
    {
        var (webhook, scope, problem) = await FindAsync(http, scoping, services, wid, ct).ConfigureAwait(false);
        if (webhook is null)
        {
            return problem!;
        }

        var (request, bodyProblem) = await JsonBody.ReadAsync(http.Request, new WebhookSecretRequest(null), ct).ConfigureAwait(false);
        if (request is null)
        {
            return bodyProblem!;
        }

        var (secret, error) = request.Check();
        if (secret is null)
        {
            return EdgeProblems.InvalidRequest(error!);
        }

        if (!await services.Store.RotateSecretAsync(scope!.TenantId, scope.Key, webhook.Id, services.Secrets.Seal(webhook.Id, secret), ct).ConfigureAwait(false))
        {
            // Deleted between the read and the update.
            return WebhookNotFound(wid);
        }

        services.Changed();
        WebhookLog.SecretRotated(logger, webhook.Id, scope.TenantId, request.Secret is null ? "generated" : "given");
        return Results.Ok(new WebhookSecretView(webhook.Id, secret));
    }

    private static async Task<IResult> CursorsAsync(HttpContext http, Scoping scoping, WebhookServices services, string wid, CancellationToken ct)
    {
        var (webhook, _, problem) = await FindAsync(http, scoping, services, wid, ct).ConfigureAwait(false);
        if (webhook is null)
        {
            return problem!;
        }

        var cursors = await services.Store.CursorsAsync(webhook.Id, ct).ConfigureAwait(false);
        return Results.Ok(new CursorList([.. cursors.Select(c => new CursorView(c.Session, c.AckedSeq, c.UpdatedAt))]));
    }

    private static async Task<IResult> DeadLettersAsync(HttpContext http, Scoping scoping, WebhookServices services, string wid, CancellationToken ct)
    {
        var (webhook, _, problem) = await FindAsync(http, scoping, services, wid, ct).ConfigureAwait(false);
        if (webhook is null)
        {
            return problem!;
        }

        var limit = DefaultDeadLetterLimit;
        var raw = http.Request.Query["limit"];
        if (raw.Count > 0 && (raw.Count > 1 || !int.TryParse(raw.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) ||
            limit is < 1 or > MaxDeadLetterLimit))
        {
            return EdgeProblems.InvalidRequest($"limit must be a whole number from 1 to {MaxDeadLetterLimit} (default {DefaultDeadLetterLimit})");
        }

        var letters = await services.Store.DeadLettersAsync(webhook.Id, limit, ct).ConfigureAwait(false);
        return Results.Ok(new DeadLetterList([.. letters.Select(l => DeadLetterView.From(l.Letter, l.Session))]));
    }

    private static async Task<IResult> ReplayAsync(HttpContext http, Scoping scoping, WebhookServices services, string wid, string? deadLetterId, CancellationToken ct)
    {
        var (webhook, _, problem) = await FindAsync(http, scoping, services, wid, ct).ConfigureAwait(false);
        if (webhook is null)
        {
            return problem!;
        }

        var count = await services.Store.RequestReplayAsync(webhook.Id, deadLetterId, scoping.Clock.GetUtcNow(), ct).ConfigureAwait(false);
        if (deadLetterId is not null && count == 0)
        {
            return EdgeProblems.NotFound(ProblemCodes.DeadLetterNotFound, "Dead letter not found", $"webhook '{wid}' has no dead letter '{deadLetterId}'");
        }

        services.Changed();
        return Results.Accepted(value: new ReplayAccepted(count));
    }

    private static async Task<(Webhook? Webhook, Scope? Scope, IResult? Problem)> FindAsync(
        HttpContext http, Scoping scoping, WebhookServices services, string wid, CancellationToken ct)
    {
        var (scope, problem) = await scoping.ResolveAsync(http, ct).ConfigureAwait(false);
        if (scope is null)
        {
            return (null, null, problem);
        }

        var webhook = await services.Store.FindAsync(scope.TenantId, scope.Key, wid, ct).ConfigureAwait(false);
        return webhook is null ? (null, null, WebhookNotFound(wid)) : (webhook, scope, null);
    }

    private static IResult WebhookNotFound(string wid) => EdgeProblems.NotFound(ProblemCodes.WebhookNotFound, "Webhook not found", $"no webhook '{wid}'");

    /// <summary>Whose webhooks a request acts on: the caller's tenant, and for the session routes its session (404 when not the caller's).</summary>
    private sealed record Scope(string TenantId, SessionEntry? Session)
    {
        /// <summary>The store's scope key: "" for tenant-wide webhooks, else the session's actor id.</summary>
        public string Key => Session?.ActorId.Value ?? "";
    }

    private sealed class Scoping(EdgeDependencies deps, bool perSession)
    {
        public TimeProvider Clock => deps.Clock;

        public async Task<(Scope? Scope, IResult? Problem)> ResolveAsync(HttpContext http, CancellationToken ct)
        {
            var tenant = Caller.Of(http).TenantId;
            if (!perSession)
            {
                return (new Scope(tenant, null), null);
            }

            var (entry, problem) = await SessionAccess.FindAsync(http, (string)http.Request.RouteValues["id"]!, deps, ct).ConfigureAwait(false);
            return entry is null ? (null, problem) : (new Scope(tenant, entry), null);
        }
    }
}
