using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Sessions;
using SessionCluster.Sessions.Connection;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Sessions;

/// <summary>
/// <c>PATCH /v1/sessions/{id}</c>: changes a session's settings (what it does by itself) and its proxy, applied by the
/// running session at once, without a restart of the node or the session. Fields left out stay as they are. The
/// settings are durable (an event in the session's log) before the answer; the proxy is sealed in the log (it may hold
/// a password) and applies from the next connection.
/// </summary>
internal static class SettingsRoutes
{
    /// <param name="Proxy">Absent: unchanged; <c>null</c>: direct; a string: <c>socks5://</c> or <c>http://[user[:password]@]host:port</c>.</param>
    public sealed record SessionPatchRequest(
        bool? MarkOnline = null, bool? ReadReceipts = null, bool? RejectCalls = null, IgnoreRequest? Ignore = null, SendRateRequest? SendRate = null, JsonElement Proxy = default);

    public sealed record IgnoreRequest(bool? Groups = null, bool? Status = null, bool? Broadcasts = null);

    public sealed record SendRateRequest(double? PerSecond = null, int? Burst = null);

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps) =>
        v1.MapPatch("/sessions/{id}", (string id, HttpContext http, CancellationToken ct) => PatchAsync(id, http, deps, ct));

    private static async Task<IResult> PatchAsync(string rawId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        var (body, bodyProblem) = await JsonBody.ReadAsync<SessionPatchRequest>(http.Request, null, ct).ConfigureAwait(false);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        if (Validate(body!, out var proxyChange) is { } invalid)
        {
            return invalid;
        }

        // Both validated before either is asked, so that a bad proxy leaves the settings as they were and the other way round.
        if (proxyChange is { } proxy)
        {
            var proxied = await deps.Sessions.AskAsync(new SetProxy(entry.ActorId, proxy.Value), ct).ConfigureAwait(false);
            if (proxied is not ProxySet)
            {
                return proxied is Deleted ? EdgeProblems.SessionNotFound(entry.Id) : ReplyProblems.For(proxied, entry.Id);
            }
        }

        var patch = new SessionSettingsPatch
        {
            MarkOnline = body!.MarkOnline,
            ReadReceipts = body.ReadReceipts,
            RejectCalls = body.RejectCalls,
            Ignore = body.Ignore is { } ignore ? new IgnorePatch(ignore.Groups, ignore.Status, ignore.Broadcasts) : null,
            SendRate = body.SendRate is { PerSecond: { } perSecond, Burst: { } burst } ? new SendRate(perSecond, burst) : null,
        };
        switch (await deps.Sessions.AskAsync(new UpdateSettings(entry.ActorId, patch), ct).ConfigureAwait(false))
        {
            case SettingsUpdated:
                break;
            case Deleted:
                return EdgeProblems.SessionNotFound(entry.Id);
            case var other:
                return ReplyProblems.For(other, entry.Id);
        }

        return await deps.Sessions.AskAsync(new GetStatus(entry.ActorId), ct).ConfigureAwait(false) switch
        {
            StatusReply status => Results.Ok(SessionView.From(entry, status.Status)),
            var other => ReplyProblems.For(other, entry.Id),
        };
    }

    /// <summary>A 400 problem for the first bad field, else null; <paramref name="proxy"/> is the proxy change asked for, if any.</summary>
    private static IResult? Validate(SessionPatchRequest body, out Optional? proxy)
    {
        proxy = null;
        if (body.SendRate is { } rate && (rate.PerSecond is not { } perSecond || rate.Burst is not { } burst
            || !(perSecond > 0 && perSecond <= SendRate.MaxPerSecond) || burst is < 1 or > SendRate.MaxBurst))
        {
            return EdgeProblems.InvalidRequest($"sendRate needs perSecond (above 0, at most {SendRate.MaxPerSecond}) and burst (1 to {SendRate.MaxBurst})");
        }

        switch (body.Proxy.ValueKind)
        {
            case JsonValueKind.Undefined:
                return null;
            case JsonValueKind.Null:
                proxy = new Optional(null);
                return null;
            case JsonValueKind.String when ProxySettings.TryParse(body.Proxy.GetString(), out var parsed, out var error):
                proxy = new Optional(parsed);
                return null;
            case JsonValueKind.String:
                return EdgeProblems.InvalidRequest("proxy must be socks5://[user[:password]@]host:port or http://[user[:password]@]host:port, or null for none");
            default:
                return EdgeProblems.InvalidRequest("proxy must be a string or null");
        }
    }

    /// <summary>A proxy change: to <see cref="Value"/>, where null is no proxy.</summary>
    private sealed record Optional(ProxySettings? Value);
}
