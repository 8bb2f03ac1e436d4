using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionCluster.Host.Composition;
using SessionCluster.Host.Health;

namespace SessionCluster.Host.Tests;

/// <summary>
/// Readiness waits for the coordinator to count this node's region: a node that is Up but not yet registered would
/// let a rolling deploy stop the next old node before the new one can take its shards.
/// </summary>
public sealed class SessionRegionRegisteredCheckTests : IAsyncLifetime
{
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("region-check-tests", ConfigurationFactory.ParseString("akka.actor.provider = cluster\nakka.remote.dot-netty.tcp.port = 0"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _system.Terminate();

    [Fact]
    public async Task A_sessions_node_is_unready_until_the_coordinator_lists_its_own_region_and_ready_once_it_does()
    {
        var self = Akka.Cluster.Cluster.Get(_system).SelfAddress;
        var other = new Address("akka.tcp", _system.Name, "10.0.0.9", 4053);

        var before = await Check(hostsSessions: true, other).CheckHealthAsync(new HealthCheckContext());
        var after = await Check(hostsSessions: true, other, self).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Equal(HealthStatus.Healthy, after.Status);
    }

    [Fact]
    public async Task An_edge_only_node_is_ready_once_the_coordinator_answers_with_any_region()
    {
        var other = new Address("akka.tcp", _system.Name, "10.0.0.9", 4053);

        Assert.Equal(HealthStatus.Unhealthy, (await Check(hostsSessions: false).CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.Equal(HealthStatus.Healthy, (await Check(hostsSessions: false, other).CheckHealthAsync(new HealthCheckContext())).Status);
    }

    private SessionRegionRegisteredCheck Check(bool hostsSessions, params Address[] registered) =>
        new(_system, new Required(_system.ActorOf(Props.Create(() => new Coordinator(registered)))), hostsSessions);

    /// <summary>Stands in for the region, which forwards <see cref="GetCurrentRegions"/> to the coordinator.</summary>
    private sealed class Coordinator : ReceiveActor
    {
        public Coordinator(Address[] registered) =>
            Receive<GetCurrentRegions>(_ => Sender.Tell(new CurrentRegions([.. registered])));
    }

    private sealed class Required(IActorRef actor) : IRequiredActor<SessionRegionKey>
    {
        public IActorRef ActorRef => actor;

        public Task<IActorRef> GetAsync(CancellationToken cancel = default) => Task.FromResult(actor);
    }
}
