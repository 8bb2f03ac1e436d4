using System.Net;
using System.Net.Http.Json;
using Akka.Actor;
using Akka.Configuration;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>
/// The promise of pair-success: the linked registration is durable before pair-device-sign leaves. The journal holds
/// the SessionLinked write; while it is held the simulator must not have the answer (its /link call, which returns once
/// the companion has answered, stays open); released, the link completes.
/// </summary>
[Collection(GatedJournal.Collection)]
public sealed class PairDeviceSignOrderTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Phone = "15550002222";
    private static readonly SessionId Alice = new("alice");

    private readonly SessionNodes _nodes = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task Pair_device_sign_does_not_leave_while_the_linked_registration_is_not_yet_durable()
    {
        GatedMemoryJournal.Reset();
        await using var host = await Simulators.StartAsync();
        using var http = new HttpClient { Timeout = SessionNodes.Timeout };
        (await http.PostAsJsonAsync($"{host.AdminUrl}/accounts", new { phone = Phone })).Dispose();
        var system = ActorSystem.Create("gated", ConfigurationFactory.ParseString(GatedMemoryJournal.Config).WithFallback("akka.loglevel = WARNING"));
        var dependencies = _nodes.Dependencies() with
        {
            Server = new SessionServerSettings(new Uri(host.WebSocketUrl)) { RootPublicKey = host.RootPublicKey.ToArray(), ConnectTimeout = TimeSpan.FromSeconds(10) },
        };
        var session = system.ActorOf(SessionActor.Props(Alice, dependencies));
        Assert.IsType<Created>(await session.Ask<Reply>(new Create(Alice, new SessionOptions("SessionCluster", "Chrome", true)), SessionNodes.Timeout));
        Assert.IsType<LinkStarted>(await session.Ask<Reply>(new LinkByQr(Alice), SessionNodes.Timeout));
        var qr = await GatedMemoryJournal.FirstQr.Task.WaitAsync(SessionNodes.Timeout);

        var scan = http.PostAsJsonAsync($"{host.AdminUrl}/accounts/{Phone}/link", new { qr });
        try
        {
            await GatedMemoryJournal.Reached.Task.WaitAsync(SessionNodes.Timeout);
            // A bounded look for something that must not happen: with the order reversed the answer is out within this.
            var early = await Task.WhenAny(scan, Task.Delay(TimeSpan.FromSeconds(1)));
            Assert.NotSame(scan, early);
        }
        finally
        {
            GatedMemoryJournal.Release.TrySetResult();
        }

        using var response = await scan.WaitAsync(SessionNodes.Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await SessionNodes.StopAsync(system);
    }
}
