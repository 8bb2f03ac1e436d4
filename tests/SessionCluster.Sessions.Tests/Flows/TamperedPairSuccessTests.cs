using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>
/// A server (the loopback Noise test server) that answers the companion's registration with a pair-device and then a
/// pair-success HMACed under a secret that is not the companion's: the session refuses it, links nothing, signs nothing.
/// </summary>
public sealed class TamperedPairSuccessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly SessionId Alice = new("alice");

    private readonly SessionNodes _nodes = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task A_pair_success_that_fails_the_HMAC_is_a_typed_failure_nothing_is_linked_and_no_pair_device_sign_leaves()
    {
        var fromClient = new ConcurrentQueue<Node>();
        var clientLeft = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await NoiseTestServer.StartAsync(async connection =>
        {
            await connection.Socket.SendNodeAsync(new Node("iq", [("from", "s.whatsapp.net"), ("type", "set"), ("id", "pd1")],
                [new Node("pair-device", null, [new Node("ref", null, Encoding.UTF8.GetBytes("2@ref"))])]));
            fromClient.Enqueue((await connection.Socket.ReceiveNodeAsync())!);
            var tampered = PairSuccess.IssueDeviceIdentity(AccountIdentity.Generate(), Curve25519.GenerateKeyPair().PublicKey.Span, RandomNumberGenerator.GetBytes(32), 1, DateTimeOffset.UtcNow);
            await connection.Socket.SendNodeAsync(QrPairingTests.PairSuccessIq(tampered));
            try
            {
                // Read until the companion's answer to pair-success; a real server then ends the stream.
                while (await connection.Socket.ReceiveNodeAsync() is { } node)
                {
                    fromClient.Enqueue(node);
                    if (node.GetOptionalString("id") == "p1")
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
            {
                // The companion aborted the socket without answering.
            }

            clientLeft.TrySetResult();
        });
        var system = _nodes.Start();
        var dependencies = _nodes.Dependencies() with
        {
            Server = new SessionServerSettings(server.WebSocketUrl) { RootPublicKey = server.RootPublicKey, ConnectTimeout = TimeSpan.FromSeconds(10) },
        };
        var session = system.ActorOf(SessionActor.Props(Alice, dependencies));
        Assert.IsType<Created>(await session.Ask<Reply>(new Create(Alice, new SessionOptions("SessionCluster", "Chrome", true)), SessionNodes.Timeout));
        Assert.IsType<LinkStarted>(await session.Ask<Reply>(new LinkByQr(Alice), SessionNodes.Timeout));

        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is LinkFailedBody), "a LinkFailed event");
        await clientLeft.Task.WaitAsync(SessionNodes.Timeout);

        Assert.Equal(LinkFailure.HmacMismatch, events.Select(e => e.Body).OfType<LinkFailedBody>().Single().Reason);
        Assert.Equal(SessionStatus.Created, events.Select(e => e.Body).OfType<SessionStatusChangedBody>().Last().Status);
        Assert.Empty((await SessionLog.StoredAsync(system, Alice)).OfType<SessionLinked>());
        var status = Assert.IsType<StatusReply>(await session.Ask<Reply>(new GetStatus(Alice), SessionNodes.Timeout)).Status;
        Assert.Equal((SessionStatus.Created, null, null), (status.Status, status.DeviceJid, status.Lid));
        // What the companion sent: the pair-device ack, then the iq error; never a pair-device-sign.
        Assert.Equal("result", fromClient.First().GetString("type"));
        Assert.DoesNotContain(fromClient, n => n.Children.Any(c => c.Tag == "pair-device-sign"));
        Assert.Contains(fromClient, n => n.Tag == "iq" && n.GetOptionalString("type") == "error" && n.GetOptionalString("id") == "p1");
        Assert.Equal(1, _nodes.Logs.Count(1202));
    }
}
