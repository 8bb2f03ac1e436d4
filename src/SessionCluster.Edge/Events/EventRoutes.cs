using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Events;

/// <summary>
/// <c>GET /v1/sessions/{id}/events?after=SEQ&amp;limit=N</c>: the session's events with a sequence above
/// <c>after</c>, in order. <c>next</c> is the <c>after</c> for the following page (the last seq, or <c>after</c>
/// itself when the page is empty), so a client resumes from exactly where it stopped.
/// </summary>
internal static class EventRoutes
{
    public sealed record EventPage(IReadOnlyList<EventView> Events, long Next);

    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps) =>
        v1.MapGet("/sessions/{id}/events", (string id, HttpContext http, CancellationToken ct) => ListAsync(id, http, deps, ct));

    private static async Task<IResult> ListAsync(string rawId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return problem!;
        }

        var request = http.Request;

        if (!TryQuery(request, "after", 0, 0, long.MaxValue, out var after))
        {
            return EdgeProblems.InvalidRequest("after must be a whole number, 0 or more (the last seq already read)");
        }

        if (!TryQuery(request, "limit", DefaultLimit, 1, MaxLimit, out var limit))
        {
            return EdgeProblems.InvalidRequest($"limit must be a whole number from 1 to {MaxLimit} (default {DefaultLimit})");
        }

        var events = await deps.Events.ReadAsync(entry.ActorId, after, (int)limit, ct).ConfigureAwait(false);
        return Results.Ok(new EventPage(events.Select(e => EventView.From(entry.Id, e)).ToList(), events.Count == 0 ? after : events[^1].Sequence));
    }

    private static bool TryQuery(HttpRequest request, string name, long fallback, long min, long max, out long value)
    {
        var values = request.Query[name];
        if (values.Count == 0)
        {
            value = fallback;
            return true;
        }

        return long.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max && values.Count == 1;
    }
}
