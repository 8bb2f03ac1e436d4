using System.CommandLine;
using System.Text.Json.Nodes;

namespace SessionCluster.Cli;

/// <summary><c>shards regions</c>, <c>shards stats</c>, <c>shards move &lt;shardId&gt; --to &lt;address&gt;</c>.</summary>
internal static class ShardVerbs
{
    public static Command Create(VerbRunner runner)
    {
        var shards = new Command("shards", "The session region's shards across the cluster");
        shards.Subcommands.Add(runner.Action(new Command("regions", "Per node: shards and entities of the session region"), RegionsAsync));
        shards.Subcommands.Add(runner.Action(new Command("stats", "Per shard: the node holding it and its entity count"), StatsAsync));
        shards.Subcommands.Add(Move(runner));
        return shards;
    }

    private static async Task RegionsAsync(Verb verb, CancellationToken ct)
    {
        var answer = await verb.Node.GetAsync("/v1/admin/shards/regions", ct).ConfigureAwait(false) ?? new JsonObject();
        verb.Output.Result(answer, () => verb.Output.Table(["address", "shards", "entities", "failed shards"],
            (answer["regions"]?.AsArray() ?? []).Select(r => (IReadOnlyList<string>)[
                Output.Cell(r?["address"]), Output.Cell(r?["shards"]), Output.Cell(r?["entities"]), Output.Cell(r?["failedShards"])]),
            $"{Output.Cell(answer["shards"])} shards, {Output.Cell(answer["entities"])} entities"));
    }

    private static async Task StatsAsync(Verb verb, CancellationToken ct)
    {
        var answer = await verb.Node.GetAsync("/v1/admin/shards/stats", ct).ConfigureAwait(false) ?? new JsonObject();
        verb.Output.Result(answer, () => verb.Output.Table(["shard", "address", "entities"],
            (answer["shards"]?.AsArray() ?? []).Select(s => (IReadOnlyList<string>)[Output.Cell(s?["shardId"]), Output.Cell(s?["address"]), Output.Cell(s?["entities"])])));
    }

    private static Command Move(VerbRunner runner)
    {
        var shard = new Argument<string>("shardId") { Description = "The shard (from scctl shards stats)" };
        var to = new Option<string>("--to") { Description = "The member to move it to (its address from scctl cluster show)", Required = true };
        var command = new Command("move", "Ask the shard coordinator to move a shard to a member (it moves at the next rebalance and stays there)") { shard, to };
        return runner.Action(command, async (verb, ct) =>
        {
            var id = verb.Parse.GetValue(shard)!;
            var answer = await verb.Node.PostAsync($"/v1/admin/shards/{Paths.Segment(id)}:move", new { to = verb.Parse.GetValue(to) }, ct).ConfigureAwait(false) ?? new JsonObject();
            verb.Output.Result(answer, () => verb.Output.Line(answer["requested"]?.GetValue<bool>() == true
                ? $"shard {id}: move from {Output.Cell(answer["from"])} to {Output.Cell(answer["to"])} requested (it moves at the coordinator's next rebalance)"
                : $"shard {id} is on {Output.Cell(answer["to"])} already: nothing to do"));
        });
    }
}
