using System.Reflection;

namespace SessionCluster.Host.Options;

/// <summary>
/// How this node joins a cluster and what it does in it. Bound from <c>SC:Cluster</c>. With the defaults the node is
/// a cluster of one (it joins itself) holding both roles, which is the embedded single-node mode; a cluster names its
/// seed nodes (or uses Kubernetes discovery) and runs on PostgreSQL. docs/CLUSTER.md explains each choice.
/// </summary>
public sealed class ClusterOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "SC:Cluster";

    /// <summary>The role of nodes that host the <c>session</c> shards (WhatsApp connections, journals, webhooks).</summary>
    public const string SessionsRole = "sessions";

    /// <summary>The role of nodes that serve the edge API (REST, gRPC, streams) and reach sessions through the region.</summary>
    public const string EdgeRole = "edge";

    /// <summary>The discovery modes <see cref="Discovery"/> accepts.</summary>
    public static readonly IReadOnlyList<string> DiscoveryModes = ["config", "kubernetes"];

    /// <summary>
    /// Default none: the node joins itself (a cluster of one). Otherwise the Akka addresses of the seed nodes,
    /// <c>akka.tcp://sessioncluster@host:port</c>, the same list on every node; the first one that is up lets the others
    /// in. Ignored with <see cref="Discovery"/> <c>kubernetes</c>.
    /// </summary>
    public string[] SeedNodes { get; init; } = [];

    /// <summary>
    /// Default (none given) both <c>sessions</c> and <c>edge</c>. A <c>sessions</c> node hosts session shards; an
    /// <c>edge</c> node serves the API and reaches sessions through a shard-region proxy. The default is not an array
    /// initializer on purpose: .NET's configuration binder appends to one, so <c>Roles:0=edge</c> would have meant
    /// both roles and edge again. <see cref="EffectiveRoles"/> is what the node runs with.
    /// </summary>
    public string[] Roles { get; init; } = [];

    /// <summary>The roles the node runs with: <see cref="Roles"/>, or both when none are given.</summary>
    public IReadOnlyList<string> EffectiveRoles => Roles.Length == 0 ? [SessionsRole, EdgeRole] : Roles.Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Default: this build's version (the host assembly's informational version). Sharding prefers members of the
    /// newest version when it allocates shards and does not rebalance while versions are mixed, so a rolling deploy
    /// moves each shard once. Set it explicitly (semantic versions compare numerically) when deploying a build whose
    /// version string does not grow.
    /// </summary>
    public string? AppVersion { get; init; }

    /// <summary>
    /// Default <c>config</c>: the cluster forms from <see cref="SeedNodes"/>. <c>kubernetes</c>: Akka.Management's cluster
    /// bootstrap finds the other pods through the Kubernetes API (pods matching <see cref="KubernetesPodLabelSelector"/>
    /// in the pod's namespace) and forms or joins the cluster without a seed list.
    /// </summary>
    public string Discovery { get; init; } = "config";

    /// <summary>Default <c>app=sessioncluster</c>: the label selector of this cluster's pods (<c>kubernetes</c> discovery).</summary>
    public string KubernetesPodLabelSelector { get; init; } = "app=sessioncluster";

    /// <summary>
    /// Default <c>/var/run/secrets/kubernetes.io/serviceaccount</c>, where Kubernetes mounts the pod's service account:
    /// discovery reads the API token (<c>token</c>) and the pod's namespace (<c>namespace</c>) from this folder
    /// (<c>kubernetes</c> discovery). The API server's address comes from <c>KUBERNETES_SERVICE_HOST</c>/<c>_PORT</c>, and
    /// its CA from the Kubernetes client's own configuration (in a pod: <c>ca.crt</c> of the standard folder; outside
    /// one: <c>KUBECONFIG</c>).
    /// </summary>
    public string KubernetesServiceAccountPath { get; init; } = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>Default 8558 (Akka.Management's port): where bootstrap contact points answer each other (<c>kubernetes</c> discovery).</summary>
    public int ManagementPort { get; init; } = 8558;

    /// <summary>
    /// Default 2: how many pods bootstrap must see before the lowest-addressed one forms a new cluster, so that two
    /// pods starting at once do not form two clusters (<c>kubernetes</c> discovery).
    /// </summary>
    public int RequiredContactPoints { get; init; } = 2;

    /// <summary>
    /// Default 200 per second: the cap on connections sessions start by themselves (after a restart, a failover or a
    /// loss), across the whole cluster. Each sessions node takes an equal share (the cap divided by the sessions nodes
    /// that are up), so a node crash does not turn into a reconnect storm at WhatsApp. 200/s brings 2,000 sessions of a
    /// failed node back in about 10 s.
    /// </summary>
    public double ReconnectsPerSecond { get; init; } = 200;

    /// <summary>The version this node runs as: <see cref="AppVersion"/>, else the build's informational version.</summary>
    public string EffectiveAppVersion => !string.IsNullOrWhiteSpace(AppVersion)
        ? AppVersion
        : typeof(ClusterOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0.0";

    /// <summary>True when this node hosts session shards.</summary>
    public bool HostsSessions => EffectiveRoles.Contains(SessionsRole, StringComparer.Ordinal);

    /// <summary>True when this node serves the edge API.</summary>
    public bool ServesEdge => EffectiveRoles.Contains(EdgeRole, StringComparer.Ordinal);

    /// <summary>True when the node forms the cluster with others (seeds or discovery) rather than joining itself.</summary>
    public bool JoinsOthers => Discovery == "kubernetes" || SeedNodes.Length > 0;

    /// <summary>Throws <see cref="NodeConfigurationException"/> for the first setting this node cannot start with.</summary>
    public void Validate()
    {
        if (Roles.Any(r => r is not (SessionsRole or EdgeRole)))
        {
            throw new NodeConfigurationException($"{Section}:{nameof(Roles)}", $"'{string.Join(", ", Roles)}' must be one or both of: {SessionsRole}, {EdgeRole}.");
        }

        if (!DiscoveryModes.Contains(Discovery, StringComparer.Ordinal))
        {
            throw new NodeConfigurationException($"{Section}:{nameof(Discovery)}", $"'{Discovery}' is not one of: {string.Join(", ", DiscoveryModes)}.");
        }

        foreach (var seed in SeedNodes)
        {
            if (!Akka.Actor.Address.TryParse(seed, out var address) || address.Host is null || address.Port is null)
            {
                throw new NodeConfigurationException($"{Section}:{nameof(SeedNodes)}", $"'{seed}' is not an Akka address like akka.tcp://sessioncluster@10.0.0.5:5081.");
            }
        }

        if (string.IsNullOrWhiteSpace(KubernetesServiceAccountPath))
        {
            throw new NodeConfigurationException($"{Section}:{nameof(KubernetesServiceAccountPath)}", "must name the folder holding the service account's token.");
        }

        if (ManagementPort is < 1 or > 65_535)
        {
            throw new NodeConfigurationException($"{Section}:{nameof(ManagementPort)}", $"{ManagementPort} is not a TCP port.");
        }

        if (RequiredContactPoints < 1)
        {
            throw new NodeConfigurationException($"{Section}:{nameof(RequiredContactPoints)}", "must be at least 1.");
        }

        if (!(ReconnectsPerSecond > 0))
        {
            throw new NodeConfigurationException($"{Section}:{nameof(ReconnectsPerSecond)}", "must be above 0.");
        }
    }
}
