using System.CommandLine;
using System.Text.Json.Nodes;

namespace SessionCluster.Cli;

/// <summary><c>journal stats</c>.</summary>
internal static class JournalVerbs
{
    public static Command Create(VerbRunner runner)
    {
        var journal = new Command("journal", "The node's journal");
        journal.Subcommands.Add(runner.Action(new Command("stats", "Events, persistence ids, snapshots and bytes of the node's journal"), async (verb, ct) =>
        {
            var answer = await verb.Node.GetAsync("/v1/admin/journal/stats", ct).ConfigureAwait(false) ?? new JsonObject();
            verb.Output.Result(answer, () => verb.Output.Fields(answer.AsObject().Select(field => (field.Key, Output.Cell(field.Value)))));
        }));
        return journal;
    }
}
