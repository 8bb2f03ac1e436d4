using System.Globalization;
using System.Text.Json;
using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Host.Tests.Clustering;

/// <summary>
/// <c>SC:Cluster:Discovery=kubernetes</c> end to end, with the Kubernetes API served by <see cref="FakeKubernetesApi"/>
/// (there is no Kubernetes here): the nodes list their pods through the API with the service account's token and
/// namespace, probe each other's Akka.Management contact points, form one cluster without any seed list, and a pod
/// started later joins that cluster rather than forming its own.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class KubernetesBootstrapTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const string LabelSelector = "app=sc-bootstrap-test";

    [Fact]
    public async Task Pods_listed_by_the_kubernetes_api_form_one_cluster_and_a_pod_started_later_joins_it()
    {
        await using var rig = await ClusterRig.CreateAsync(postgres, nameof(KubernetesBootstrapTests));
        var folder = Directory.CreateTempSubdirectory("sc-k8s-").FullName;
        try
        {
            await using var api = await FakeKubernetesApi.StartAsync(folder, LabelSelector);
            var managementPorts = Enumerable.Range(0, 3).Select(_ => ClusterRig.FreePort()).ToList();
            api.AddPod("sessioncluster-0", managementPorts[0]);
            api.AddPod("sessioncluster-1", managementPorts[1]);
            var first = await rig.StartNodeAsync("1.0.0", null, null, null, PodSettings(api, managementPorts[0]));
            var second = await rig.StartNodeAsync("1.0.0", null, null, null, PodSettings(api, managementPorts[1]));
            await first.WaitReadyAsync();
            await second.WaitReadyAsync();

            var formed = await UpMembersAsync(first, 2);
            Assert.Equal(new[] { first.Address, second.Address }.Order(), formed.Order());
            Assert.Equal(formed.Order(), (await UpMembersAsync(second, 2)).Order());
            Assert.True(api.Answered > 0, "no node listed its pods through the API");
            Assert.True(api.Wrong.IsEmpty, "a node asked the API wrongly: " + string.Join("; ", api.Wrong));

            api.AddPod("sessioncluster-2", managementPorts[2]);
            var third = await rig.StartNodeAsync("1.0.0", null, null, null, PodSettings(api, managementPorts[2]));
            await third.WaitReadyAsync();
            var grown = await UpMembersAsync(first, 3);
            Assert.Contains(third.Address, grown);
            Assert.Equal(grown.Order(), (await UpMembersAsync(third, 3)).Order());
            output.WriteLine($"pod list requests answered: {api.Answered}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Dictionary<string, string> PodSettings(FakeKubernetesApi api, int managementPort)
    {
        var settings = api.PodEnvironment();
        settings["SC__Cluster__Discovery"] = "kubernetes";
        settings["SC__Cluster__KubernetesServiceAccountPath"] = api.ServiceAccountFolder;
        settings["SC__Cluster__KubernetesPodLabelSelector"] = LabelSelector;
        settings["SC__Cluster__ManagementPort"] = managementPort.ToString(CultureInfo.InvariantCulture);
        return settings;
    }

    /// <summary>The addresses of the members <paramref name="node"/> sees up, once it sees <paramref name="count"/> of them.</summary>
    private static async Task<List<string>> UpMembersAsync(ClusterNode node, int count) =>
        await ClusterRig.Eventually(async () =>
        {
            using var view = JsonDocument.Parse(await node.Http.GetStringAsync("/v1/admin/cluster"));
            var up = view.RootElement.GetProperty("members").EnumerateArray()
                .Where(m => m.GetProperty("status").GetString() == "up")
                .Select(m => m.GetProperty("address").GetString()!)
                .ToList();
            return up.Count == count ? up : null;
        }, $"{count} members up as node {node.Index} sees it. Output:\n{node.Tail()}");
}
