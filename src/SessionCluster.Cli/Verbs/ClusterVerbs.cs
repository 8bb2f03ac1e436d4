using System.CommandLine;
using System.Text.Json.Nodes;

namespace SessionCluster.Cli;

/// <summary><c>cluster show</c>, <c>cluster leave &lt;address&gt;</c>, <c>cluster down &lt;address&gt;</c>.</summary>
internal static class ClusterVerbs
{
    public static Command Create(VerbRunner runner)
    {
        var cluster = new Command("cluster", "The cluster's members: show them, make one leave, down one that is gone");
        cluster.Subcommands.Add(runner.Action(new Command("show", "Members, leader, oldest, unreachable (GET /v1/admin/cluster)"), ShowAsync));
        cluster.Subcommands.Add(MemberAction(runner, "leave", "Make a member leave gracefully: its shards hand off, then it stops"));
        cluster.Subcommands.Add(MemberAction(runner, "down", "Down a member that is gone (crashed, partitioned away) so the others take its shards"));
        return cluster;
    }

    private static Command MemberAction(VerbRunner runner, string action, string description)
    {
        var address = new Argument<string>("address") { Description = "The member's address (akka.tcp://sessioncluster@host:port, or host:port)" };
        var command = new Command(action, description) { address };
        return runner.Action(command, async (verb, ct) =>
        {
            var member = verb.Parse.GetValue(address)!;
            var answer = await verb.Node.PostAsync($"/v1/admin/cluster/members/{Paths.Segment(member)}:{action}", null, ct).ConfigureAwait(false) ?? new JsonObject();
            verb.Output.Result(answer, () => verb.Output.Line($"{action} of {Output.Cell(answer["address"])} requested (was {Output.Cell(answer["statusBefore"])})"));
        });
    }

    private static async Task ShowAsync(Verb verb, CancellationToken ct)
    {
        var cluster = await verb.Node.GetAsync("/v1/admin/cluster", ct).ConfigureAwait(false) ?? new JsonObject();
        verb.Output.Result(cluster, () =>
        {
            verb.Output.Fields([
                ("self", Output.Cell(cluster["self"])),
                ("leader", Output.Cell(cluster["leader"])),
                ("oldest", Output.Cell(cluster["oldest"])),
                ("unreachable", Output.Cell(cluster["unreachable"])),
            ]);
            verb.Output.Table(["address", "status", "roles", "app version", "reachable", "uid"],
                (cluster["members"]?.AsArray() ?? []).Select(m => (IReadOnlyList<string>)[
                    Output.Cell(m?["address"]), Output.Cell(m?["status"]), Output.Cell(m?["roles"]), Output.Cell(m?["appVersion"]),
                    Output.Cell(m?["reachable"]), Output.Cell(m?["uid"])]),
                "members");
        });
    }
}
