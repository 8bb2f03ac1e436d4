using System.Collections.Frozen;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;

namespace SessionCluster.Edge.Streams;

/// <summary>
/// Reads a stream's query (<c>sessions=a,b</c>, <c>types=message.received,session.status</c>, <c>after=17</c> or
/// <c>after=a:17,b:4</c>) and the <c>Last-Event-ID</c> header into a <see cref="StreamRequest"/>, or the problem to
/// answer before the stream starts: a malformed filter is a 400 <c>invalid_request</c>, a session name that is not
/// the caller's tenant's a 404 <c>session_not_found</c> (another tenant's session looks missing).
/// </summary>
internal static class StreamRequests
{
    /// <summary>The most sessions one stream names; a client that wants more follows the whole tenant.</summary>
    public const int MaxSessions = 1000;

    public const string LastEventIdHeader = "Last-Event-ID";

    /// <summary>Directory pages read to list a tenant's sessions when none is named.</summary>
    private const int ListPage = 1000;

    public static async Task<(StreamRequest? Request, IResult? Problem)> ParseAsync(HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var tenant = Caller.Of(http).TenantId;
        if (await deps.Tenants.FindAsync(tenant, ct).ConfigureAwait(false) is null)
        {
            // Only the admin key reaches here, with an X-Tenant-Id that names no tenant.
            return (null, EdgeProblems.NotFound(ProblemCodes.TenantNotFound, "Tenant not found", $"no tenant '{tenant}' ({EdgeAuthFilter.TenantHeader})"));
        }

        var query = http.Request.Query;
        if (query["sessions"].Count > 1 || query["types"].Count > 1 || query["after"].Count > 1)
        {
            return Invalid("sessions, types and after may each be given once (each a comma-separated list)");
        }

        FrozenSet<string>? types = null;
        if (query.ContainsKey("types"))
        {
            var names = Split(query["types"].ToString());
            var unknown = names.FirstOrDefault(n => !EventTypes.Known.Contains(n));
            if (names.Length == 0 || unknown is not null)
            {
                var what = names.Length == 0 ? "types is empty" : $"'{unknown}' is not an event type";
                return Invalid($"{what}; types must be a comma-separated list from: {string.Join(", ", EventTypes.Known.Order(StringComparer.Ordinal))}");
            }

            types = names.ToFrozenSet(StringComparer.Ordinal);
        }

        var named = query.ContainsKey("sessions");
        IReadOnlyList<SessionEntry> known;
        if (named)
        {
            var names = Split(query["sessions"].ToString()).Distinct(StringComparer.Ordinal).ToList();
            if (names.Count is 0 or > MaxSessions)
            {
                return Invalid($"sessions must name 1 to {MaxSessions} sessions, comma-separated (leave it out to follow every session)");
            }

            var entries = new List<SessionEntry>(names.Count);
            foreach (var name in names)
            {
                var (entry, problem) = await SessionAccess.FindAsync(http, name, deps, ct).ConfigureAwait(false);
                if (entry is null)
                {
                    return (null, problem);
                }

                entries.Add(entry);
            }

            known = entries;
        }
        else
        {
            known = await ListTenantAsync(deps.Directory, tenant, ct).ConfigureAwait(false);
        }

        var byName = known.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var after = new Dictionary<string, long>(StringComparer.Ordinal);
        if (query.ContainsKey("after"))
        {
            var text = query["after"].ToString();
            if (!text.Contains(':', StringComparison.Ordinal))
            {
                if (!named || known.Count != 1 || !TryParseSeq(text, out var seq))
                {
                    return Invalid("after=SEQ (the last seq already received) needs exactly one session in sessions=; for several give after=a:17,b:4");
                }

                after[known[0].Id] = seq;
            }
            else
            {
                foreach (var cursor in Split(text))
                {
                    if (!TryParseCursor(cursor, out var name, out var seq))
                    {
                        return Invalid("after must be SEQ for one session, or SESSION:SEQ pairs, comma-separated (after=a:17,b:4)");
                    }

                    if (CheckNamed(name, byName, named) is { } problem)
                    {
                        return (null, problem);
                    }

                    if (!after.TryAdd(name, seq))
                    {
                        return Invalid($"after names session '{name}' twice");
                    }
                }
            }
        }

        if (http.Request.Headers[LastEventIdHeader].ToString() is { Length: > 0 } lastEventId)
        {
            if (!TryParseCursor(lastEventId, out var name, out var seq))
            {
                return Invalid($"{LastEventIdHeader} must be the id of the last event received, SESSION:SEQ");
            }

            if (CheckNamed(name, byName, named) is { } problem)
            {
                return (null, problem);
            }

            // The header is what the client received last, later than the after= it opened with.
            after[name] = seq;
        }

        var actorIds = named ? known.Select(s => s.ActorId.Value).ToFrozenSet(StringComparer.Ordinal) : null;
        return (new StreamRequest(tenant, known, actorIds, types, after), null);
    }

    /// <summary>A cursor's session must be one the stream follows: one of sessions= when named, else one of the tenant's.</summary>
    private static IResult? CheckNamed(string name, Dictionary<string, SessionEntry> byName, bool named) =>
        byName.ContainsKey(name) ? null
        : named ? EdgeProblems.InvalidRequest($"session '{name}' in after or {LastEventIdHeader} is not one of sessions=")
        : EdgeProblems.SessionNotFound(name);

    private static async Task<IReadOnlyList<SessionEntry>> ListTenantAsync(SessionDirectory directory, string tenant, CancellationToken ct)
    {
        var all = new List<SessionEntry>();
        while (true)
        {
            var page = await directory.ListAsync(tenant, all.Count == 0 ? null : all[^1].Id, ListPage, ct).ConfigureAwait(false);
            all.AddRange(page);
            if (page.Count < ListPage)
            {
                return all;
            }
        }
    }

    /// <summary><c>SESSION:SEQ</c>; a session id holds no <c>:</c>, so the last one splits.</summary>
    private static bool TryParseCursor(string text, out string name, out long seq)
    {
        var colon = text.LastIndexOf(':');
        name = colon > 0 ? text[..colon] : "";
        seq = 0;
        return SessionIds.TryParse(name, out _) && TryParseSeq(text[(colon + 1)..], out seq);
    }

    private static bool TryParseSeq(string text, out long seq) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seq);

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static (StreamRequest?, IResult?) Invalid(string detail) => (null, EdgeProblems.InvalidRequest(detail));
}
