using System.Net;
using Akka.Actor;
using Akka.Configuration;
using SessionCluster.Simulator;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>Alice on an ActorSystem whose journal is <see cref="GatedMemoryJournal"/>: linked by QR (nothing held while linking), Connected, prekeys uploaded.</summary>
internal static class GatedAlice
{
    public static async Task<(ActorSystem System, IActorRef Session)> LinkAsync(SessionNodes nodes, SimulatorHost host, string systemName)
    {
        GatedMemoryJournal.Reset(_ => false);
        await CreateAccountAsync(host);
        var system = ActorSystem.Create(systemName, ConfigurationFactory.ParseString(GatedMemoryJournal.Config).WithFallback("akka.loglevel = WARNING"));
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(nodes, host)));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        Assert.IsType<LinkStarted>(await Ask(session, new LinkByQr(Alice)));
        var qr = await GatedMemoryJournal.FirstQr.Task.WaitAsync(SessionNodes.Timeout);
        using (var scan = await ScanAsync(host, qr))
        {
            Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        }

        await SimulatorPhones.WaitForAsync(() => DevicesAsync(host), d => d.Any(x => !x.Primary && x.Online && x.PreKeys >= Sessions.Flows.PreKeys.UploadBatch), "Alice online with her prekeys");
        return (system, session);
    }
}
