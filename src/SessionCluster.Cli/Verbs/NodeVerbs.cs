using System.CommandLine;
using System.Text.Json.Nodes;

namespace SessionCluster.Cli;

/// <summary><c>node show</c> and <c>node drain [--wait]</c>, on the node at <c>--url</c>.</summary>
internal static class NodeVerbs
{
    /// <summary>How often <c>--wait</c> asks whether the node is still there.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Create(VerbRunner runner)
    {
        var node = new Command("node", "The node at --url");
        node.Subcommands.Add(runner.Action(new Command("show", "Its cluster address, member status, and whether it is shutting down"), async (verb, ct) =>
        {
            var answer = await verb.Node.GetAsync("/v1/admin/node", ct).ConfigureAwait(false) ?? new JsonObject();
            verb.Output.Result(answer, () => verb.Output.Fields(answer.AsObject().Select(field => (field.Key, Output.Cell(field.Value)))));
        }));
        node.Subcommands.Add(Drain(runner));
        return node;
    }

    private static Command Drain(VerbRunner runner)
    {
        var wait = new Option<bool>("--wait") { Description = "Wait until the node has stopped (its port refuses connections)" };
        var waitTimeout = new Option<int>("--wait-timeout") { Description = "Seconds --wait waits before failing (exit 1)", DefaultValueFactory = _ => 300 };
        var command = new Command("drain", "Leave the cluster gracefully (shards hand off to the other nodes) and stop the node") { wait, waitTimeout };
        return runner.Action(command, async (verb, ct) =>
        {
            var answer = await verb.Node.PostAsync("/v1/admin/node:drain", null, ct).ConfigureAwait(false) ?? new JsonObject();
            var address = Output.Cell(answer["node"]?["address"]);
            if (verb.Parse.GetValue(wait))
            {
                await WaitGoneAsync(verb.Node, TimeSpan.FromSeconds(verb.Parse.GetValue(waitTimeout)), ct).ConfigureAwait(false);
                answer["stopped"] = true;
            }

            verb.Output.Result(answer, () => verb.Output.Line(verb.Parse.GetValue(wait)
                ? $"node {address} left the cluster and stopped"
                : $"node {address} is draining (scctl node show follows it; --wait waits until it has stopped)"));
        });
    }

    /// <summary>Polls <c>GET /v1/admin/node</c> until the node no longer answers: by then it has left and its host has stopped.</summary>
    private static async Task WaitGoneAsync(NodeClient node, TimeSpan timeout, CancellationToken ct)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            try
            {
                await node.GetAsync("/v1/admin/node", ct).ConfigureAwait(false);
            }
            catch (ScctlException e) when (e.Failure == ScctlFailure.Unreachable || e.Status == 503)
            {
                return;
            }

            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }

        throw new ScctlException(ScctlFailure.ServerError, $"the node at {node.BaseAddress} still answers after {timeout.TotalSeconds:0} s of draining");
    }
}
