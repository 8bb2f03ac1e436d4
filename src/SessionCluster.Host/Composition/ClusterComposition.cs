using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Configuration;
using Akka.Discovery.KubernetesApi;
using Akka.Hosting;
using Akka.Management.Cluster.Bootstrap;
using SessionCluster.Host.Clustering;
using SessionCluster.Host.Options;
using NodeClusterOptions = SessionCluster.Host.Options.ClusterOptions;

namespace SessionCluster.Host.Composition;

/// <summary>
/// How the node becomes a cluster member (docs/CLUSTER.md "Forming the cluster"): with its roles and app version,
/// then one of three ways in: it joins itself (no seeds: a cluster of one), it joins the configured seed nodes, or
/// Akka.Management's bootstrap finds the other pods through the Kubernetes API. Failure detection and the
/// split-brain resolver are set in hocon/sessioncluster.conf.
/// </summary>
internal static class ClusterComposition
{
    /// <summary>The name of the pods' container port that Akka.Management listens on (<c>kubernetes</c> discovery).</summary>
    public const string ManagementPortName = "management";

    public static AkkaConfigurationBuilder WithNodeCluster(this AkkaConfigurationBuilder builder, NodeSettings settings)
    {
        var cluster = settings.Cluster;
        builder
            .AddHocon(ConfigurationFactory.ParseString($"akka.cluster.app-version = {Quote(cluster.EffectiveAppVersion)}"), HoconAddMode.Prepend)
            .WithClustering(new Akka.Cluster.Hosting.ClusterOptions
            {
                Roles = [.. cluster.EffectiveRoles],
                SeedNodes = cluster.Discovery == "config" && cluster.SeedNodes.Length > 0 ? cluster.SeedNodes : null,
            });

        // Distributed pub-sub (live events, shard moves) starts with the node, not on first use: a mediator created
        // at its first Publish knows no remote subscriber yet and drops what it was given.
        builder.AddStartup((system, _) => Akka.Cluster.Tools.PublishSubscribe.DistributedPubSub.Get(system));

        // A node the others quarantined (they removed it) can only leave; see QuarantineWatch.
        builder.AddStartup((system, _) => system.ActorOf(QuarantineWatch.Props(), "quarantine-watch"));

        if (cluster.Discovery == "kubernetes")
        {
            return builder.WithKubernetesBootstrap(settings);
        }

        return cluster.JoinsOthers ? builder : builder.AddStartup(JoinSelf);
    }

    /// <summary>
    /// Bootstrap inside Kubernetes: the node's <see cref="BootstrapContactPoint"/> answers contact-point probes on
    /// <see cref="NodeClusterOptions.ManagementPort"/> (Akka.Management's own HTTP server cannot run with the packages served),
    /// and discovery lists the running pods matching the label selector through the Kubernetes API (the pod's service
    /// account needs <c>get</c>/<c>list</c>/<c>watch</c> on pods). Each pod's contact point is its IP and the container
    /// port named <see cref="ManagementPortName"/>, so the manifests must name that port. Akka.Coordination.KubernetesApi
    /// (a lease on Kubernetes objects) is not needed: shards lease from PostgreSQL.
    /// </summary>
    private static AkkaConfigurationBuilder WithKubernetesBootstrap(this AkkaConfigurationBuilder builder, NodeSettings settings)
    {
        var cluster = settings.Cluster;
        return builder
            .WithKubernetesDiscovery(discovery =>
            {
                discovery.PodLabelSelector = cluster.KubernetesPodLabelSelector;
                discovery.ApiTokenPath = Path.Combine(cluster.KubernetesServiceAccountPath, "token");
                discovery.PodNamespacePath = Path.Combine(cluster.KubernetesServiceAccountPath, "namespace");
                discovery.RawIp = true;
            })
            .WithClusterBootstrap(bootstrap =>
            {
                bootstrap.ContactPointDiscovery.DiscoveryMethod = "kubernetes-api";
                bootstrap.ContactPointDiscovery.PortName = ManagementPortName;
                bootstrap.ContactPointDiscovery.RequiredContactPointsNr = cluster.RequiredContactPoints;
            }, autoStart: false)
            .AddStartup((system, _) => BootstrapContactPoint.StartBootstrap(system, settings.Node.RemotingHost, cluster.ManagementPort));
    }

    /// <summary>
    /// The node is its own seed: it joins the address it is bound to. Joining after start-up rather than through
    /// <c>seed-nodes</c> lets port 0 (a free port) work too.
    /// </summary>
    private static void JoinSelf(ActorSystem system, IActorRegistry registry)
    {
        var cluster = Cluster.Get(system);
        cluster.Join(cluster.SelfAddress);
    }

    /// <summary>A HOCON quoted string.</summary>
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
