using Akka.Actor;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.Tests.Flows;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>
/// Alice linked by QR against the simulator (the only way to get a linked registration), then her node restarted against
/// a <see cref="ScriptedChatServer"/>, which logs her in: from then on the test plays the server.
/// </summary>
internal static class ScriptedSessions
{
    /// <summary>Short delays: retry receipts after 50 ms, reconnects within a second.</summary>
    public static readonly MessagingSettings QuickRetries = new() { RetryReceiptDelays = [TimeSpan.FromMilliseconds(50)] };

    /// <summary>Alice, Connected to <paramref name="server"/> with her prekeys uploaded to it; returns her node and actor.</summary>
    public static async Task<(ActorSystem System, IActorRef Session)> AliceOnAsync(SessionNodes nodes, ScriptedChatServer server)
    {
        await using (var host = await Simulators.StartAsync())
        {
            await CreateAccountAsync(host);
            var first = nodes.Start();
            await LinkedSessions.CreateAndLinkAsync(first, host, LinkByQrTests.Dependencies(nodes, host));
            await SessionNodes.StopAsync(first);
        }

        var system = nodes.Start();
        var dependencies = LinkedSessions.Against(nodes, server.Server, SessionNodes.QuickReconnect) with { Messaging = QuickRetries };
        var session = system.ActorOf(SessionActor.Props(Alice, dependencies));
        await SessionLog.WaitForAsync(system, Alice, e => LinkedSessions.Statuses(e).Count(s => s == SessionStatus.Connected) == 2, "Connected to the scripted server");
        await server.WaitForAsync(_ => server.SessionBundle is not null, "the prekey upload");
        return (system, session);
    }
}
