using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Sessions.Ratchets;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Messaging;

/// <summary>
/// The promise "bad server input is a typed error, logged once; the session keeps serving or reconnects, its state
/// unchanged", shown with the test playing the logged-in server (<see cref="ScriptedChatServer"/>) and a contact device
/// (<see cref="SignalPeer"/>): a tampered ciphertext, an unknown stanza, a message without id or from, a node whose list
/// size the input cannot hold.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MalformedStanzaEvent = 1300;
    private const int UndecryptableEvent = 1301;
    private const int IgnoredEvent = 1309;
    private const int MalformedInputEvent = 1102;
    private const int ConnectionLostEvent = 1206;

    private readonly SessionNodes _nodes = new(output);
    private readonly SignalPeer _bob = new(Jid.Parse("15550002222@s.whatsapp.net"));
    private ScriptedChatServer? _server;
    private ActorSystem? _system;

    private ScriptedChatServer Server => _server!;

    private ActorSystem System => _system!;

    public async Task InitializeAsync()
    {
        _server = await ScriptedChatServer.StartAsync();
        (_system, _) = await ScriptedSessions.AliceOnAsync(_nodes, _server);
        _bob.StartSession(_server.SessionBundle!);
        // A first message from Bob opens the session Alice's ratchet keeps.
        await Server.SendAsync(_bob.MessageStanza("OPEN-1", _bob.Encrypt("hello")));
        await WaitForReceivedAsync("OPEN-1");
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
    public async Task A_tampered_ciphertext_is_an_Undecryptable_event_and_a_retry_receipt_and_the_ratchet_is_unchanged()
    {
        var ratchetId = DeviceRatchetActor.PersistenceIdOf(Alice, _bob.Device);
        var ratchetBefore = (await SessionLog.StoredAsync(System, ratchetId)).Count;
        Assert.True(ratchetBefore > 0, "the ratchet that decrypted the first message is " + ratchetId);
        var two = _bob.Encrypt("two");
        await Server.SendAsync(_bob.MessageStanza("TAMPERED-2", SignalPeer.Tampered(two)));

        var events = await SessionLog.WaitForAsync(System, Alice, e => Undecryptable(e, "TAMPERED-2").Any(), "the Undecryptable event");
        var undecryptable = Assert.Single(Undecryptable(events, "TAMPERED-2"));
        Assert.Equal(1, undecryptable.RetryCount);
        Assert.Matches("^(InvalidMac|InvalidMessage): ", undecryptable.Reason);
        var sent = await Server.WaitForAsync(n => RetryReceipts(n, "TAMPERED-2").Any(), "the retry receipt");
        Assert.Equal("1", Assert.Single(RetryReceipts(sent, "TAMPERED-2")).GetOptionalChild("retry")!.GetOptionalString("count"));
        Assert.DoesNotContain(Received(events), r => r.MessageId == "TAMPERED-2");
        Assert.Equal(ratchetBefore, (await SessionLog.StoredAsync(System, ratchetId)).Count);

        // The ratchet kept its state: the next genuine message decrypts, and so does the genuine copy of the tampered one
        // (its message key was not used up by the failed attempt) when Bob resends it on the retry receipt.
        await Server.SendAsync(_bob.MessageStanza("GENUINE-3", _bob.Encrypt("three")));
        await Server.SendAsync(_bob.MessageStanza("TAMPERED-2", two, retryCount: 1));
        events = await SessionLog.WaitForAsync(System, Alice, e => Received(e).Any(r => r.MessageId == "TAMPERED-2"), "the resent message");

        Assert.Equal(["hello", "three", "two"], Received(events).Select(r => r.Text));
        Assert.Equal(1, _nodes.Logs.Count(UndecryptableEvent));
        Assert.Single(Undecryptable(events, "TAMPERED-2"));
    }

    [Fact]
    public async Task An_unknown_stanza_is_ignored_and_logged_once_at_debug_and_the_session_keeps_serving()
    {
        var before = await SessionLog.StoredAsync(System, Alice);

        await Server.SendAsync(new Node("surprise", [("type", "novel"), ("id", "S-1")], [new Node("thing")]));
        await Server.SendAsync(_bob.MessageStanza("AFTER-UNKNOWN", _bob.Encrypt("still here")));
        await WaitForReceivedAsync("AFTER-UNKNOWN");

        var ignored = Assert.Single(_nodes.Logs.Entries, e => e.Id.Id == IgnoredEvent && e.Message.Contains("<surprise>", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, ignored.Level);
        var written = (await SessionLog.StoredAsync(System, Alice)).Skip(before.Count).ToList();
        var only = Assert.Single(written.OfType<SessionEventRecord>());
        Assert.Equal(SessionEventRecord.BodyOneofCase.MessageReceived, only.BodyCase);
        Assert.All(written, w => Assert.True(w is SessionEventRecord, $"wrote {w.GetType().Name}"));
        Assert.Equal(1, Server.Connections);
    }

    [Fact]
    public async Task A_message_without_id_or_from_is_nacked_with_487_logged_once_each_and_nothing_is_written()
    {
        var before = await SessionLog.StoredAsync(System, Alice);
        var ciphertext = _bob.Encrypt("never read");
        var withoutId = new Node("message", [("from", _bob.Device.ToString()), ("type", "text")], [new Node("enc", [("v", "2"), ("type", ciphertext.WireType)], ciphertext.Serialized)]);
        var withoutFrom = new Node("message", [("id", "NO-FROM"), ("type", "text")], [new Node("enc", [("v", "2"), ("type", ciphertext.WireType)], ciphertext.Serialized)]);

        await Server.SendAsync(withoutId);
        await Server.SendAsync(withoutFrom);
        var sent = await Server.WaitForAsync(n => Nacks(n).Count() == 2, "two nacks");

        Assert.Equal(["", "NO-FROM"], Nacks(sent).Select(a => a.GetOptionalString("id")));
        Assert.All(Nacks(sent), a => Assert.Equal("message", a.GetOptionalString("class")));
        Assert.Equal(2, _nodes.Logs.Count(MalformedStanzaEvent));
        Assert.Equal(before.Count, (await SessionLog.StoredAsync(System, Alice)).Count);

        // Still serving: the next message decrypts (the refused ciphertext was never given to the ratchet, so Bob's
        // next one is one step further and is taken from the skipped keys).
        await Server.SendAsync(_bob.MessageStanza("AFTER-NACK", _bob.Encrypt("after")));
        await WaitForReceivedAsync("AFTER-NACK");
        Assert.Equal(2, _nodes.Logs.Count(MalformedStanzaEvent));
    }

    [Fact]
    public async Task A_node_with_a_list_size_its_input_cannot_hold_drops_the_connection_as_malformed_and_the_session_reconnects()
    {
        var before = await SessionLog.StoredAsync(System, Alice);

        // Flag byte 0 (uncompressed), LIST_16 (tag 249) with 65535 entries, and one byte to back them.
        await Server.SendRawAsync([0x00, 249, 0xFF, 0xFF, 0x01]);
        var events = await SessionLog.WaitForAsync(
            System, Alice, e => LinkedSessions.Statuses(e.Skip(EventsIn(before))).SequenceEqual([SessionStatus.Disconnected, SessionStatus.Connecting, SessionStatus.Connected]), "Disconnected, then Connected again");

        Assert.Equal(2, Server.Connections);
        Assert.Equal(1, _nodes.Logs.Count(MalformedInputEvent));
        Assert.Contains("connection lost (MalformedInput", Assert.Single(_nodes.Logs.Entries, e => e.Id.Id == ConnectionLostEvent).Message, StringComparison.Ordinal);
        var written = (await SessionLog.StoredAsync(System, Alice)).Skip(before.Count).ToList();
        Assert.All(written, w => Assert.True(
            w is SessionEventRecord { BodyCase: SessionEventRecord.BodyOneofCase.StatusChanged or SessionEventRecord.BodyOneofCase.Disconnected },
            $"wrote {w}"));
        var disconnected = Assert.Single(events.Skip(EventsIn(before)).Select(e => e.Body).OfType<DisconnectedBody>());
        Assert.Equal(DisconnectReason.ConnectionLost, disconnected.Reason);

        // The new connection serves: Bob's next message decrypts on the ratchet as it was.
        await Server.SendAsync(_bob.MessageStanza("AFTER-RECONNECT", _bob.Encrypt("back")));
        await WaitForReceivedAsync("AFTER-RECONNECT");
    }

    private static int EventsIn(IReadOnlyList<object> stored) => stored.OfType<SessionEventRecord>().Count();

    private async Task WaitForReceivedAsync(string id) =>
        await SessionLog.WaitForAsync(System, Alice, e => Received(e).Any(r => r.MessageId == id), "message " + id);

    private static IEnumerable<MessageReceivedBody> Received(IEnumerable<SessionEvent> events) => events.Select(e => e.Body).OfType<MessageReceivedBody>();

    private static IEnumerable<UndecryptableBody> Undecryptable(IEnumerable<SessionEvent> events, string id) =>
        events.Select(e => e.Body).OfType<UndecryptableBody>().Where(u => u.MessageId == id);

    internal static IEnumerable<Node> RetryReceipts(IEnumerable<Node> sent, string id) =>
        sent.Where(n => n.Tag == "receipt" && n.GetOptionalString("type") == "retry" && n.GetOptionalString("id") == id);

    private static IEnumerable<Node> Nacks(IEnumerable<Node> sent) => sent.Where(n => n.Tag == "ack" && n.GetOptionalString("error") == "487");
}
