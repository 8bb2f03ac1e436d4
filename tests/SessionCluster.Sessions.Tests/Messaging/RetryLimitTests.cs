using System.Buffers.Binary;
using System.Globalization;
using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Messaging;

/// <summary>
/// The retry limit both ways (<see cref="Retries.MaxRetries"/>), with the test playing the server and Bob's device: a
/// device that keeps asking for one of our messages gets five resends, then the message is Failed for it; a message that
/// never decrypts is asked for five times, then given up and acked.
/// </summary>
public sealed class RetryLimitTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int UndecryptableEvent = 1301;
    private const int GivenUpEvent = 1302;
    private const int ResendingEvent = 1308;

    private readonly SessionNodes _nodes = new(output);
    private readonly SignalPeer _bob = new(Jid.Parse("15550002222@s.whatsapp.net"));
    private ScriptedChatServer? _server;
    private ActorSystem? _system;
    private IActorRef? _session;

    private ScriptedChatServer Server => _server!;

    private ActorSystem System => _system!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedChatServer.StartAsync(Answer);
        (_system, _session) = await ScriptedSessions.AliceOnAsync(_nodes, _server);
    }

    public async Task DisposeAsync()
    {
        await _nodes.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_device_asking_six_times_gets_five_resends_and_the_message_is_Failed_for_it()
    {
        var accepted = Assert.IsType<SendAccepted>(await Ask(_session!, Send.Text(Alice, _bob.Device.ToString(), "retry me")));
        var id = accepted.MessageId;
        var first = Assert.Single(await Server.WaitForAsync(n => Sends(n, id).Any(), "the message"), n => Sends([n], id).Any());
        Assert.Equal("retry me", _bob.Decrypt(first.GetOptionalChild("participants")!.GetOptionalChild("to")!.GetOptionalChild("enc")!));
        await SessionLog.WaitForAsync(System, Alice, e => Statuses(e, id).Contains(MessageDelivery.Sent), "Sent");

        for (var count = 1; count <= Retries.MaxRetries; count++)
        {
            await Server.SendAsync(RetryReceipt(id, count));
            var resends = Resends(await Server.WaitForAsync(n => Resends(n, id).Count() == count, $"resend {count}"), id).ToList();
            var enc = resends[^1].GetOptionalChild("enc")!;
            Assert.Equal(count.ToString(CultureInfo.InvariantCulture), enc.GetOptionalString("count"));
            // Each resend is the message, encrypted anew for the device that asked (a new session from a bundle from the 2nd).
            Assert.Equal("retry me", _bob.Decrypt(enc));
        }

        await Server.SendAsync(RetryReceipt(id, Retries.MaxRetries + 1));
        var events = await SessionLog.WaitForAsync(System, Alice, e => Statuses(e, id).Contains(MessageDelivery.Failed), "Failed");

        var failed = Assert.Single(events.Select(e => e.Body).OfType<MessageStatusBody>(), s => s.MessageId == id && s.Status == MessageDelivery.Failed);
        Assert.Equal(_bob.Device.ToString(), failed.Device);
        Assert.Contains("6 times", failed.Reason, StringComparison.Ordinal);
        // Time for a sixth resend to show, were there one.
        await Task.Delay(500);
        Assert.Equal(Retries.MaxRetries, Resends(Server.Received, id).Count());
        Assert.Equal(Retries.MaxRetries, _nodes.Logs.Count(ResendingEvent));
    }

    [Fact]
    public async Task A_message_that_never_decrypts_is_asked_for_five_times_then_given_up_and_acked()
    {
        _bob.StartSession(Server.SessionBundle!);
        var tampered = SignalPeer.Tampered(_bob.Encrypt("never"));

        await Server.SendAsync(_bob.MessageStanza("NEVER", tampered));
        for (var count = 1; count <= Retries.MaxRetries; count++)
        {
            await Server.WaitForAsync(n => HostileInputTests.RetryReceipts(n, "NEVER").Count() == count, $"retry receipt {count}");
            // Bob resends it as asked, and it fails again.
            await Server.SendAsync(_bob.MessageStanza("NEVER", tampered, retryCount: count));
        }

        var sent = await Server.WaitForAsync(n => n.Any(x => IsAck(x, "NEVER")), "the ack that gives it up");
        var events = await SessionLog.WaitForAsync(System, Alice, e => Undecryptable(e).Count() == Retries.MaxRetries + 1, "six Undecryptable events");

        var receipts = HostileInputTests.RetryReceipts(sent, "NEVER").ToList();
        Assert.Equal(Enumerable.Range(1, Retries.MaxRetries).Select(c => c.ToString(CultureInfo.InvariantCulture)), receipts.Select(r => r.GetOptionalChild("retry")!.GetOptionalString("count")));
        // Our keys (with a one-time prekey made for that receipt) from the second on.
        Assert.Equal([false, true, true, true, true], receipts.Select(r => r.GetOptionalChild("keys") is not null));
        Assert.Equal(4, receipts.Skip(1).Select(r => Convert.ToHexString(r.GetOptionalChild("keys")!.GetOptionalChild("key")!.GetOptionalChild("id")!.Bytes.Span)).Distinct().Count());
        Assert.Equal([1, 2, 3, 4, 5, 5], Undecryptable(events).Select(u => u.RetryCount));
        Assert.Null(Assert.Single(sent, x => IsAck(x, "NEVER")).GetOptionalString("error"));
        Assert.Equal(Retries.MaxRetries, _nodes.Logs.Count(UndecryptableEvent));
        Assert.Equal(1, _nodes.Logs.Count(GivenUpEvent));
        await Task.Delay(300);
        Assert.Equal(Retries.MaxRetries, HostileInputTests.RetryReceipts(Server.Received, "NEVER").Count());
        Assert.DoesNotContain(events.Select(e => e.Body).OfType<MessageReceivedBody>(), r => r.MessageId == "NEVER");
    }

    /// <summary>What the server answers for Bob: his one device (and none of Alice's others) to usync, a fresh bundle to a fetch.</summary>
    private Node? Answer(Node iq)
    {
        if (iq.GetOptionalString("xmlns") == "usync")
        {
            var users = iq.GetOptionalChild("usync")!.GetOptionalChild("list")!.GetChildren("user").Select(u => u.GetOptionalString("jid")!);
            return ScriptedChatServer.Result(iq, new Node("usync", null, [new Node("list", null, users.Select(jid => new Node("user", [("jid", jid)],
                [new Node("devices", null, [new Node("device-list", null, jid == _bob.Device.ToString() ? [new Node("device", [("id", "0")])] : [])])])).ToList())]));
        }

        if (iq.GetOptionalString("xmlns") == "encrypt" && iq.GetOptionalChild("key") is not null)
        {
            return ScriptedChatServer.Result(iq, new Node("list", null, [_bob.BundleNode()]));
        }

        return null;
    }

    private Node RetryReceipt(string id, int count)
    {
        var registration = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(registration, 1234);
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new Node("receipt", [("from", _bob.Device.ToString()), ("id", id), ("t", t), ("type", "retry")],
        [
            new Node("retry", [("count", count.ToString(CultureInfo.InvariantCulture)), ("id", id), ("t", t), ("v", "1")]),
            new Node("registration", null, registration),
        ]);
    }

    private static IEnumerable<Node> Sends(IEnumerable<Node> sent, string id) =>
        sent.Where(n => n.Tag == "message" && n.GetOptionalString("id") == id && n.GetOptionalString("device_fanout") is null);

    private static IEnumerable<Node> Resends(IEnumerable<Node> sent, string id) =>
        sent.Where(n => n.Tag == "message" && n.GetOptionalString("id") == id && n.GetOptionalString("device_fanout") == "false");

    private static bool IsAck(Node node, string id) => node.Tag == "ack" && node.GetOptionalString("class") == "message" && node.GetOptionalString("id") == id;

    private static List<MessageDelivery> Statuses(IEnumerable<SessionEvent> events, string id) =>
        events.Select(e => e.Body).OfType<MessageStatusBody>().Where(s => s.MessageId == id).Select(s => s.Status).ToList();

    private static IEnumerable<UndecryptableBody> Undecryptable(IEnumerable<SessionEvent> events) =>
        events.Select(e => e.Body).OfType<UndecryptableBody>().Where(u => u.MessageId == "NEVER");
}
