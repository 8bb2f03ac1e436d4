using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;

namespace SessionCluster.Host.Clustering;

/// <summary>
/// The contact point cluster bootstrap probes (<c>GET /bootstrap/seed-nodes</c> on the management port), served by a
/// small Kestrel of the node's own. Akka.Management's HTTP server cannot run here: Akka.Http.Shim 1.5.73 calls a
/// <c>Ceen.Httpd.HttpServer.ListenAsync</c> overload that the only Ceen.Httpd served (0.9.10) does not have, and the
/// node died at start with <c>MissingMethodException</c> (found by <c>KubernetesBootstrapTests</c>). The answer is
/// Akka.Management's own <see cref="HttpBootstrapJsonProtocol.SeedNodes"/>, serialized as its probe reads it.
/// </summary>
internal sealed class BootstrapContactPoint : IAsyncDisposable
{
    /// <summary>Members exposed as seeds, Akka.Management's fixed number.</summary>
    private const int MaxSeedNodesToExpose = 5;

    private readonly WebApplication _server;

    private BootstrapContactPoint(WebApplication server) => _server = server;

    /// <summary>The base URI bootstrap advertises for this node, and where it listens.</summary>
    public static Uri SelfBaseUri(string host, int port) => new($"http://{host}:{port}");

    /// <summary>Listens on <paramref name="host"/>:<paramref name="port"/> until disposed.</summary>
    public static async Task<BootstrapContactPoint> StartAsync(ActorSystem system, string host, int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(SelfBaseUri(host, port).ToString());
        var server = builder.Build();
        var cluster = Cluster.Get(system);
        server.MapGet("/bootstrap/seed-nodes", () => Results.Text(JsonConvert.SerializeObject(SeedNodes(cluster)), "application/json"));
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        return new BootstrapContactPoint(server);
    }

    /// <summary>
    /// This node's view for a probing node: a node on its way out offers no seeds; otherwise up to five reachable
    /// members that are joining or up, which a probing node joins instead of forming a cluster of its own.
    /// </summary>
    internal static HttpBootstrapJsonProtocol.SeedNodes SeedNodes(Cluster cluster)
    {
        var self = cluster.SelfMember;
        if (self.Status is MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down or MemberStatus.Removed)
        {
            return new HttpBootstrapJsonProtocol.SeedNodes(self.Address, []);
        }

        var state = cluster.State;
        var seeds = state.Members
            .Where(m => !state.Unreachable.Contains(m) && m.Status is MemberStatus.Joining or MemberStatus.Up or MemberStatus.WeaklyUp)
            .Take(MaxSeedNodesToExpose)
            .Select(m => new HttpBootstrapJsonProtocol.ClusterMember(m.Address, m.UniqueAddress.Uid, m.Status, m.Roles))
            .ToImmutableList();
        return new HttpBootstrapJsonProtocol.SeedNodes(self.Address, seeds);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the contact point, tells bootstrap its address (what Akka.Management does when it binds its routes), and
    /// starts bootstrap; the contact point closes in CoordinatedShutdown's first phase. A node that cannot listen on its
    /// management port cannot be found, so it says why and stops.
    /// </summary>
    public static void StartBootstrap(ActorSystem system, string host, int port)
    {
        var log = Akka.Event.Logging.GetLogger(system, typeof(BootstrapContactPoint));
        _ = Task.Run(async () =>
        {
            try
            {
                var contactPoint = await StartAsync(system, host, port, CancellationToken.None).ConfigureAwait(false);
                CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceUnbind, "bootstrap-contact-point", async () =>
                {
                    await contactPoint.DisposeAsync().ConfigureAwait(false);
                    return Akka.Done.Instance;
                });
                var bootstrap = ClusterBootstrap.Get(system);
                bootstrap.Routes(Akka.Management.Dsl.ManagementRouteProviderSettings.Create(SelfBaseUri(host, port), readOnly: true));
                log.Info("Cluster bootstrap contact point on {0}", SelfBaseUri(host, port));
                await bootstrap.Start().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                log.Error(e, "Cluster bootstrap could not start on management port {0}: the node stops", port);
                await system.Terminate().ConfigureAwait(false);
            }
        });
    }
}
