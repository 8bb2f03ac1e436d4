using Akka.Actor;
using Akka.Configuration;

namespace SessionCluster.Cli.Tests.Allocation;

/// <summary>
/// Three ActorSystems in one cluster on loopback: <see cref="Old"/> runs app version 1.0.0, <see cref="NewB"/> and
/// <see cref="NewC"/> 2.0.0. Each has a stand-in actor for its shard region; <see cref="Regions"/> are those as
/// <see cref="Old"/> (where the strategies under test run, as on the oldest node) sees them.
/// </summary>
public sealed class VersionedCluster : IAsyncLifetime
{
    public ActorSystem Old { get; private set; } = null!;

    public ActorSystem NewB { get; private set; } = null!;

    public ActorSystem NewC { get; private set; } = null!;

    /// <summary>The region stand-ins from <see cref="Old"/>'s view: its own (a local path), then B's and C's (remote).</summary>
    public (IActorRef Old, IActorRef NewB, IActorRef NewC) Regions { get; private set; }

    public async Task InitializeAsync()
    {
        Old = Start("1.0.0");
        NewB = Start("2.0.0");
        NewC = Start("2.0.0");
        var seed = Akka.Cluster.Cluster.Get(Old).SelfAddress;
        foreach (var system in new[] { Old, NewB, NewC })
        {
            Akka.Cluster.Cluster.Get(system).Join(seed);
        }

        await ScctlNode.WaitUntilAsync(
            () => Task.FromResult(Akka.Cluster.Cluster.Get(Old).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == 3),
            "three members Up");
        var old = Old.ActorOf(Props.Create(() => new StandIn()), "region");
        NewB.ActorOf(Props.Create(() => new StandIn()), "region");
        NewC.ActorOf(Props.Create(() => new StandIn()), "region");
        Regions = (old, await Resolve(NewB), await Resolve(NewC));
    }

    private async Task<IActorRef> Resolve(ActorSystem system) =>
        await Old.ActorSelection(new RootActorPath(Akka.Cluster.Cluster.Get(system).SelfAddress) / "user" / "region").ResolveOne(ScctlNode.Deadline);

    private static ActorSystem Start(string appVersion) => ActorSystem.Create("sessioncluster", ConfigurationFactory.ParseString($$"""
        akka.loglevel = WARNING
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.cluster.app-version = "{{appVersion}}"
        akka.cluster.downing-provider-class = ""
        """));

    public async Task DisposeAsync()
    {
        foreach (var system in new[] { NewC, NewB, Old })
        {
            if (system is not null)
            {
                await system.Terminate();
            }
        }
    }

    private sealed class StandIn : ReceiveActor;
}
