using System.CommandLine;
using System.Text.Json.Nodes;

namespace SessionCluster.Cli;

/// <summary>
/// <c>sessions list|show|restart|logout</c> over the edge's own routes (docs/API.md), in the tenant of
/// <c>--tenant</c> (default <c>default</c>).
/// </summary>
internal static class SessionVerbs
{
    /// <summary>The edge's largest page; <c>list</c> follows <c>next</c> until the last one.</summary>
    private const int PageSize = 500;

    public static Command Create(VerbRunner runner)
    {
        var sessions = new Command("sessions", "The tenant's sessions");
        var status = new Option<string?>("--status") { Description = "Only sessions in this status (new, linking, connecting, connected, disconnected, logged_out, replaced, halted)" };
        var list = new Command("list", "Every session of the tenant, in id order") { status };
        sessions.Subcommands.Add(runner.Action(list, (verb, ct) => ListAsync(verb, verb.Parse.GetValue(status), ct)));
        sessions.Subcommands.Add(WithId(runner, "show", "One session", async (verb, id, ct) =>
        {
            var session = await verb.Node.GetAsync($"/v1/sessions/{Paths.Segment(id)}", ct).ConfigureAwait(false) ?? new JsonObject();
            verb.Output.Result(session, () => verb.Output.Fields(session.AsObject().Select(field => (field.Key, Output.Cell(field.Value)))));
        }));
        sessions.Subcommands.Add(WithId(runner, "restart", "Drop the session's connection and log in again now", async (verb, id, ct) =>
        {
            await verb.Node.PostAsync($"/v1/sessions/{Paths.Segment(id)}:restart", null, ct).ConfigureAwait(false);
            verb.Output.Result(new JsonObject { ["id"] = id, ["restarting"] = true }, () => verb.Output.Line($"session {id}: restarting"));
        }));
        sessions.Subcommands.Add(WithId(runner, "logout", "Log the session out of the phone and wipe its keys", async (verb, id, ct) =>
        {
            await verb.Node.PostAsync($"/v1/sessions/{Paths.Segment(id)}:logout", null, ct).ConfigureAwait(false);
            verb.Output.Result(new JsonObject { ["id"] = id, ["loggedOut"] = true }, () => verb.Output.Line($"session {id}: logged out"));
        }));
        return sessions;
    }

    private static Command WithId(VerbRunner runner, string name, string description, Func<Verb, string, CancellationToken, Task> verb)
    {
        var id = new Argument<string>("id") { Description = "The session id" };
        return runner.Action(new Command(name, description) { id }, (v, ct) => verb(v, v.Parse.GetValue(id)!, ct));
    }

    private static async Task ListAsync(Verb verb, string? status, CancellationToken ct)
    {
        var all = new JsonArray();
        string? cursor = null;
        do
        {
            var query = $"?limit={PageSize}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}") + (status is null ? "" : $"&status={Uri.EscapeDataString(status)}");
            var page = await verb.Node.GetAsync("/v1/sessions" + query, ct).ConfigureAwait(false);
            foreach (var session in page?["sessions"]?.AsArray().ToList() ?? [])
            {
                session?.Parent?.AsArray().Remove(session);
                all.Add(session);
            }

            cursor = page?["next"]?.GetValue<string>();
        }
        while (cursor is not null);

        verb.Output.Result(new JsonObject { ["sessions"] = all }, () => verb.Output.Table(["id", "status", "jid", "created", "last event"],
            all.Select(s => (IReadOnlyList<string>)[Output.Cell(s?["id"]), Output.Cell(s?["status"]), Output.Cell(s?["jid"]), Output.Cell(s?["createdAt"]), Output.Cell(s?["lastEventSeq"])]),
            $"{all.Count} sessions"));
    }
}
