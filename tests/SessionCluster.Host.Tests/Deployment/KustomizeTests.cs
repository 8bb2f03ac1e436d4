using System.Text;
using Akka.Configuration;
using SessionCluster.Host.Composition;
using YamlDotNet.RepresentationModel;

namespace SessionCluster.Host.Tests.Deployment;

/// <summary>
/// k8s/: every overlay renders with <c>kubectl kustomize</c>, and what it renders keeps the invariants the node relies
/// on (k8s/README.md says why each holds). The drain time is read from hocon/sessioncluster.conf and the overlay's own
/// HOCON overrides, not written here.
/// </summary>
public sealed class KustomizeTests
{
    /// <summary>Each overlay and the roles of its workloads (none given: the node runs both).</summary>
    public static TheoryData<string> Overlays => new() { "one-node", "cluster", "split" };

    private static readonly Dictionary<string, string[][]> ExpectedRoles = new(StringComparer.Ordinal)
    {
        ["one-node"] = [["edge", "sessions"]],
        ["cluster"] = [["edge", "sessions"]],
        ["split"] = [["edge"], ["sessions"]],
    };

    [Fact]
    public void Every_overlay_folder_is_checked_here()
    {
        var folders = Directory.GetDirectories(Path.Combine(KustomizeRender.RepositoryRoot, "k8s", "overlays")).Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(ExpectedRoles.Keys.Order(StringComparer.Ordinal), folders);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Each_workload_rolls_surge_first_and_is_probed_on_the_health_paths_and_named_ports(string overlay)
    {
        foreach (var workload in Workloads(overlay))
        {
            Assert.Equal("RollingUpdate", workload.Deployment.Str("spec", "strategy", "type"));
            Assert.Equal(1, workload.Deployment.Int("spec", "strategy", "rollingUpdate", "maxSurge"));
            Assert.Equal(0, workload.Deployment.Int("spec", "strategy", "rollingUpdate", "maxUnavailable"));

            Assert.Equal(5080, workload.Port("http"));
            Assert.Equal(workload.Port("remoting"), int.Parse(workload.Env("SC__Node__RemotingPort")!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(workload.Port("management"), int.Parse(workload.Env("SC__Cluster__ManagementPort") ?? "8558", System.Globalization.CultureInfo.InvariantCulture));
            Assert.EndsWith(":5080", workload.Env("SC__Node__HttpUrl"), StringComparison.Ordinal);

            Assert.Equal("/health/ready", workload.Container.Str("readinessProbe", "httpGet", "path"));
            Assert.Equal("http", workload.Container.Str("readinessProbe", "httpGet", "port"));
            Assert.Equal("/health/live", workload.Container.Str("livenessProbe", "httpGet", "path"));
            Assert.Equal("http", workload.Container.Str("livenessProbe", "httpGet", "port"));

            // Below the journal probe's own timeout a slow database would show as a probe timeout, not as its 503 body.
            var journalProbe = workload.Hocon().GetTimeSpan(NodeHocon.Keys.JournalProbeTimeout, null, allowInfinite: false);
            Assert.True(workload.Container.Int("readinessProbe", "timeoutSeconds") > journalProbe.TotalSeconds,
                $"{workload.Name}: the readiness probe's timeoutSeconds must exceed the journal probe's {journalProbe.TotalSeconds} s");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_grace_period_outlasts_the_preStop_pause_and_the_longest_graceful_stop_the_HOCON_allows(string overlay)
    {
        foreach (var workload in Workloads(overlay))
        {
            var preStop = workload.Container.At("lifecycle", "preStop");
            Assert.NotNull(preStop);
            var pause = preStop.Int("sleep", "seconds") ?? 0;
            var drain = LongestCoordinatedShutdown(workload.Hocon());
            var handoff = workload.Hocon().GetTimeSpan("akka.cluster.sharding.handoff-timeout", null, allowInfinite: false);

            var grace = workload.Pod.Int("terminationGracePeriodSeconds");

            Assert.True(drain > handoff, "the shutdown's phases include the handoff");
            Assert.True(grace > pause + drain.TotalSeconds,
                $"{workload.Name}: terminationGracePeriodSeconds {grace} must exceed the preStop pause ({pause} s) plus CoordinatedShutdown's phases ({drain.TotalSeconds} s)");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Each_workload_has_a_disruption_budget_over_its_own_pods_that_lets_one_go_at_a_time(string overlay)
    {
        var render = KustomizeRender.Of($"overlays/{overlay}");
        var workloads = Workloads(overlay);
        foreach (var workload in workloads)
        {
            var budgets = render.OfKind("PodDisruptionBudget").Where(b => b.Labels("spec", "selector", "matchLabels").Selects(workload.PodLabels)).ToList();
            var budget = Assert.Single(budgets);
            var selector = budget.Labels("spec", "selector", "matchLabels");
            Assert.All(workloads.Where(w => w != workload), other => Assert.False(selector.Selects(other.PodLabels), $"{budget.Str("metadata", "name")} also selects {other.Name}'s pods"));

            var replicas = workload.Replicas;
            var maxUnavailable = budget.Int("spec", "maxUnavailable");
            var minAvailable = budget.Int("spec", "minAvailable");
            // One pod at a time: as many as the budget lets go must be exactly one, whatever the replicas.
            var mayGo = maxUnavailable ?? replicas - minAvailable;
            Assert.True(replicas >= 1, $"{workload.Name} has no replicas");
            Assert.Equal(1, mayGo);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void A_headless_service_publishes_every_pods_remoting_and_management_ports_ready_or_not(string overlay)
    {
        var render = KustomizeRender.Of($"overlays/{overlay}");
        var workloads = Workloads(overlay);

        var headless = Assert.Single(render.OfKind("Service"), s => s.Str("spec", "clusterIP") == "None");

        Assert.Equal("true", headless.Str("spec", "publishNotReadyAddresses"));
        var targets = headless.Seq("spec", "ports").Select(p => p.Str("targetPort")).ToList();
        Assert.Contains("remoting", targets);
        Assert.Contains("management", targets);
        Assert.All(workloads, w => Assert.True(headless.Labels("spec", "selector").Selects(w.PodLabels), $"the headless service misses {w.Name}"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_API_service_selects_exactly_the_pods_that_serve_the_edge(string overlay)
    {
        var render = KustomizeRender.Of($"overlays/{overlay}");

        var api = Assert.Single(render.OfKind("Service"), s => s.Str("spec", "clusterIP") != "None");

        Assert.Equal("http", Assert.Single(api.Seq("spec", "ports")).Str("targetPort"));
        var selector = api.Labels("spec", "selector");
        Assert.All(Workloads(overlay), w => Assert.Equal(w.Roles.Contains("edge"), selector.Selects(w.PodLabels)));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Each_pods_service_account_may_get_list_and_watch_pods(string overlay)
    {
        var render = KustomizeRender.Of($"overlays/{overlay}");
        foreach (var workload in Workloads(overlay))
        {
            var account = workload.Pod.Str("serviceAccountName")!;
            Assert.NotNull(render.Named("ServiceAccount", account));
            var roles = render.OfKind("RoleBinding")
                .Where(b => b.Seq("subjects").Any(s => s.Str("kind") == "ServiceAccount" && s.Str("name") == account) && b.Str("roleRef", "kind") == "Role")
                .Select(b => render.Named("Role", b.Str("roleRef", "name")!))
                .ToList();

            Assert.Contains(roles, role => role is not null && role.Seq("rules").Any(rule =>
                rule.Seq("apiGroups").Any(g => g.Str() == "") &&
                rule.Seq("resources").Any(r => r.Str() == "pods") &&
                new[] { "get", "list", "watch" }.All(verb => rule.Seq("verbs").Any(v => v.Str() == verb))));
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_secret_and_config_map_a_pod_names_is_in_the_render_with_the_key_it_names(string overlay)
    {
        var render = KustomizeRender.Of($"overlays/{overlay}");
        foreach (var workload in Workloads(overlay))
        {
            foreach (var env in workload.Container.Seq("env"))
            {
                var reference = env.At("valueFrom", "secretKeyRef");
                if (reference is null)
                {
                    continue;
                }

                var secret = render.Named("Secret", reference.Str("name")!);
                Assert.True(secret is not null, $"{workload.Name}: {env.Str("name")} names the missing secret {reference.Str("name")}");
                Assert.True(secret.At("data", reference.Str("key")!) is not null || secret.At("stringData", reference.Str("key")!) is not null,
                    $"{workload.Name}: {env.Str("name")} names the key {reference.Str("key")}, which the secret lacks");
            }

            foreach (var name in new[] { "SC__Persistence__ConnectionString", "SC__Secrets__Key", "SC__Edge__AdminKey" })
            {
                Assert.True(workload.EnvNode(name)?.At("valueFrom", "secretKeyRef") is not null, $"{workload.Name}: {name} must come from the Secret");
            }

            Assert.Equal("postgres", workload.Env("SC__Persistence__Engine"));
            Assert.False(workload.Hocon().IsEmpty);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Discovery_finds_every_pod_of_the_overlay_by_its_labels_and_each_pod_is_known_by_its_IP(string overlay)
    {
        var workloads = Workloads(overlay);
        foreach (var workload in workloads)
        {
            Assert.Equal("kubernetes", workload.Env("SC__Cluster__Discovery"));
            var selector = (workload.Env("SC__Cluster__KubernetesPodLabelSelector") ?? "app=sessioncluster")
                .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(term => term.Split('=', 2))
                .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
            Assert.All(workloads, other => Assert.True(selector.Selects(other.PodLabels), $"{workload.Name}'s discovery selector misses {other.Name}'s pods"));

            var required = int.Parse(workload.Env("SC__Cluster__RequiredContactPoints") ?? "2", System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(required, 1, workloads.Sum(w => w.Replicas));

            var host = workload.EnvNode("SC__Node__RemotingHost")!;
            var podIp = host.Str("valueFrom", "fieldRef", "fieldPath") == "status.podIP"
                || workload.Container.Seq("env").Any(e => host.Str("value") == $"$({e.Str("name")})" && e.Str("valueFrom", "fieldRef", "fieldPath") == "status.podIP");
            Assert.True(podIp, $"{workload.Name}: SC__Node__RemotingHost must be the pod's IP (status.podIP)");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_workloads_run_the_roles_the_overlay_stands_for(string overlay)
    {
        var roles = Workloads(overlay).Select(w => w.Roles.Order(StringComparer.Ordinal).ToArray()).OrderBy(r => string.Join(",", r), StringComparer.Ordinal).ToList();

        Assert.Equal(ExpectedRoles[overlay], roles);
        Assert.All(Workloads(overlay), w => Assert.StartsWith("sessioncluster:", w.Container.Str("image"), StringComparison.Ordinal));
    }

    [Fact]
    public void The_trial_postgres_is_the_host_the_placeholder_connection_string_names()
    {
        var postgres = KustomizeRender.Of("postgres");
        var secret = KustomizeRender.Of("overlays/cluster").Named("Secret", "sessioncluster-secrets")!;
        var connectionString = Encoding.UTF8.GetString(Convert.FromBase64String(secret.Str("data", "connection-string")!));
        var host = connectionString.Split(';').Select(p => p.Split('=', 2)).Single(kv => kv[0] == "Host")[1];

        var service = postgres.Named("Service", host);
        var statefulSet = Assert.Single(postgres.OfKind("StatefulSet"));

        Assert.NotNull(service);
        Assert.True(service.Labels("spec", "selector").Selects(statefulSet.Labels("spec", "template", "metadata", "labels")));
        Assert.NotNull(statefulSet.At("spec", "template", "spec", "containers").Seq().Single().At("readinessProbe"));
    }

    /// <summary>
    /// The longest CoordinatedShutdown can take: its phases run one after another, each cut at its own timeout or the
    /// default one (Akka's reference config under ours).
    /// </summary>
    private static TimeSpan LongestCoordinatedShutdown(Config hocon)
    {
        var shutdown = hocon.GetConfig("akka.coordinated-shutdown");
        var fallback = shutdown.GetTimeSpan("default-phase-timeout", null, allowInfinite: false);
        var phases = shutdown.GetConfig("phases");
        return phases.Root.GetObject().Items.Keys.Aggregate(TimeSpan.Zero, (sum, phase) =>
            sum + (phases.HasPath($"{phase}.timeout") ? phases.GetTimeSpan($"{phase}.timeout", null, allowInfinite: false) : fallback));
    }

    private static List<Workload> Workloads(string overlay)
    {
        var render = KustomizeRender.Of($"overlays/{overlay}");
        var workloads = render.OfKind("Deployment").Concat(render.OfKind("StatefulSet")).Select(d => new Workload(d, render)).ToList();
        Assert.NotEmpty(workloads);
        return workloads;
    }

    private sealed record Workload(YamlMappingNode Deployment, KustomizeRender Render)
    {
        public string Name => Deployment.Str("metadata", "name")!;

        public int Replicas => Deployment.Int("spec", "replicas") ?? 1;

        public YamlNode Pod => Deployment.At("spec", "template", "spec")!;

        public IReadOnlyDictionary<string, string> PodLabels => Deployment.Labels("spec", "template", "metadata", "labels");

        public YamlNode Container => Pod.Seq("containers").Single(c => c.Str("name") == "node");

        public IReadOnlyList<string> Roles
        {
            get
            {
                var given = Container.Seq("env").Where(e => e.Str("name")!.StartsWith("SC__Cluster__Roles__", StringComparison.Ordinal)).Select(e => e.Str("value")!).ToList();
                return given.Count == 0 ? ["edge", "sessions"] : given;
            }
        }

        public YamlNode? EnvNode(string name) => Container.Seq("env").FirstOrDefault(e => e.Str("name") == name);

        public string? Env(string name) => EnvNode(name).Str("value");

        public int? Port(string name) => Container.Seq("ports").FirstOrDefault(p => p.Str("name") == name).Int("containerPort");

        /// <summary>The node's HOCON as this pod gets it: the ConfigMap's file (SC:Node:ConfigFile) over the defaults file over Akka's own.</summary>
        public Config Hocon()
        {
            var file = Env("SC__Node__ConfigFile") ?? throw new InvalidOperationException($"{Name} sets no SC__Node__ConfigFile");
            var mount = Container.Seq("volumeMounts").Single(m => file.StartsWith(m.Str("mountPath")! + "/", StringComparison.Ordinal));
            var volume = Pod.Seq("volumes").Single(v => v.Str("name") == mount.Str("name"));
            var configMapName = volume.Str("configMap", "name")!;
            var configMap = Render.Named("ConfigMap", configMapName);
            Assert.True(configMap is not null, $"{Name} mounts the missing config map {configMapName}");
            var text = configMap.Str("data", Path.GetFileName(file));
            Assert.True(text is not null, $"{configMapName} has no {Path.GetFileName(file)}, which SC__Node__ConfigFile names");
            return ConfigurationFactory.ParseString(text)
                .WithFallback(NodeHocon.LoadDefaults(Path.Combine(KustomizeRender.RepositoryRoot, "hocon", NodeHocon.FileName)))
                .WithFallback(ConfigurationFactory.Default());
        }
    }
}
