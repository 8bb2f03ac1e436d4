using System.CommandLine;
using System.Text.Json.Nodes;

namespace SessionCluster.Cli;

/// <summary>
/// <c>webhooks dead-letters [--webhook ID]</c>, <c>webhooks replay (&lt;deadLetterId&gt; | --all) --webhook ID</c> and
/// <c>webhooks rotate-secret --webhook ID [--secret S]</c> over the edge's webhook routes: the tenant's webhooks (<c>/v1/webhooks</c>) or one session's
/// (<c>--session ID</c>: <c>/v1/sessions/{id}/webhooks</c>).
/// </summary>
internal static class WebhookVerbs
{
    public static Command Create(VerbRunner runner)
    {
        var webhooks = new Command("webhooks", "Webhooks' dead letters (list them, send them again) and signing secrets");
        webhooks.Subcommands.Add(DeadLetters(runner));
        webhooks.Subcommands.Add(Replay(runner));
        webhooks.Subcommands.Add(RotateSecret(runner));
        return webhooks;
    }

    private static Option<string?> SessionOption() => new("--session") { Description = "The webhooks of this session instead of the tenant's" };

    private static string Scope(string? session) => session is null ? "/v1/webhooks" : $"/v1/sessions/{Paths.Segment(session)}/webhooks";

    private static Command DeadLetters(VerbRunner runner)
    {
        var webhook = new Option<string?>("--webhook") { Description = "Only this webhook's (default: every webhook in the scope)" };
        var session = SessionOption();
        var limit = new Option<int>("--limit") { Description = "At most this many per webhook, oldest first (1 to 1000)", DefaultValueFactory = _ => 100 };
        var command = new Command("dead-letters", "Dead letters, oldest first, each with its webhook") { webhook, session, limit };
        return runner.Action(command, async (verb, ct) =>
        {
            var scope = Scope(verb.Parse.GetValue(session));
            var ids = verb.Parse.GetValue(webhook) is { } one
                ? [one]
                : (await verb.Node.GetAsync(scope, ct).ConfigureAwait(false))?["webhooks"]?.AsArray().Select(w => w?["id"]?.GetValue<string>()).OfType<string>().ToList() ?? [];
            var letters = new JsonArray();
            foreach (var id in ids)
            {
                var answer = await verb.Node.GetAsync($"{scope}/{Paths.Segment(id)}/dead-letters?limit={verb.Parse.GetValue(limit)}", ct).ConfigureAwait(false);
                foreach (var letter in answer?["deadLetters"]?.AsArray().ToList() ?? [])
                {
                    letter?.Parent?.AsArray().Remove(letter);
                    if (letter is JsonObject fields)
                    {
                        fields.Insert(0, "webhook", id);
                    }

                    letters.Add(letter);
                }
            }

            verb.Output.Result(new JsonObject { ["deadLetters"] = letters }, () => verb.Output.Table(
                ["webhook", "id", "session", "seq", "event", "last status", "attempts", "dead at", "replay requested"],
                letters.Select(l => (IReadOnlyList<string>)[Output.Cell(l?["webhook"]), Output.Cell(l?["id"]), Output.Cell(l?["session"]), Output.Cell(l?["seq"]),
                    Output.Cell(l?["eventType"]), Output.Cell(l?["lastStatus"]), Output.Cell(l?["attempts"]), Output.Cell(l?["deadAt"]), Output.Cell(l?["replayRequested"])]),
                $"{letters.Count} dead letters"));
        });
    }

    private static Command RotateSecret(VerbRunner runner)
    {
        var webhook = new Option<string>("--webhook") { Description = "The webhook whose signing secret is replaced", Required = true };
        var session = SessionOption();
        var secret = new Option<string?>("--secret") { Description = "The new secret, 16 to 256 characters (default: one generated and printed)" };
        var command = new Command("rotate-secret", "Give a webhook a new signing secret (printed once; docs/API.md \"Rotating a webhook's secret\")") { webhook, session, secret };
        return runner.Action(command, async (verb, ct) =>
        {
            var path = $"{Scope(verb.Parse.GetValue(session))}/{Paths.Segment(verb.Parse.GetValue(webhook)!)}/secret";
            var given = verb.Parse.GetValue(secret);
            var answer = await verb.Node.SendAsync(HttpMethod.Put, path, given is null ? null : new { secret = given }, ct).ConfigureAwait(false) ?? new JsonObject();
            verb.Output.Result(answer, () => verb.Output.Line($"webhook {Output.Cell(answer["id"])} signs with {Output.Cell(answer["secret"])} from its next attempt"));
        });
    }

    private static Command Replay(VerbRunner runner)
    {
        var deadLetter = new Argument<string?>("deadLetterId") { Description = "The dead letter to send again", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Send every dead letter of the webhook again" };
        var webhook = new Option<string>("--webhook") { Description = "The webhook the dead letters belong to", Required = true };
        var session = SessionOption();
        var command = new Command("replay", "Send dead letters again (one by id, or --all of a webhook)") { deadLetter, all, webhook, session };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(deadLetter) is null) == !result.GetValue(all))
            {
                result.AddError("name one dead letter or pass --all, not both");
            }
        });
        return runner.Action(command, async (verb, ct) =>
        {
            var path = $"{Scope(verb.Parse.GetValue(session))}/{Paths.Segment(verb.Parse.GetValue(webhook)!)}/dead-letters";
            path += verb.Parse.GetValue(deadLetter) is { } id ? $"/{Paths.Segment(id)}:replay" : ":replay";
            var answer = await verb.Node.PostAsync(path, null, ct).ConfigureAwait(false) ?? new JsonObject();
            verb.Output.Result(answer, () => verb.Output.Line($"replaying {Output.Cell(answer["replaying"])} dead letters"));
        });
    }
}
