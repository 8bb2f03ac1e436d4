using Akka.Actor;
using SessionCluster.Sessions.Tests.Flows;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Messaging;

/// <summary>
/// A linked session sending to and receiving from the simulator's phones (our own Signal engine on the other side; the
/// Baileys peers are in the Interop tests): texts both ways, the copy on the session's own phone, receipts, restarts.
/// </summary>
public sealed class PhoneMessagingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string BobPhone = "15550002222";

    private readonly SessionNodes _nodes = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task A_text_from_another_accounts_phone_is_one_MessageReceived_event_with_both_forms_of_the_sender_and_a_delivery_receipt()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, _) = await LinkedAliceAsync(host);

        var id = await SimulatorPhones.SendTextAsync(host, BobPhone, AliceJid, "hello alice");
        var events = await SessionLog.WaitForAsync(system, Alice, e => Received(e).Any(), "the message");

        var received = Assert.Single(Received(events));
        Assert.Equal(id, received.MessageId);
        Assert.Equal("hello alice", received.Text);
        Assert.False(received.FromMe);
        Assert.Equal(bob.Lid, received.Sender);
        Assert.Equal(bob.Jid, received.SenderAlt);
        Assert.Equal(bob.Lid, received.Chat);
        Assert.Equal(bob.Jid, received.ChatAlt);
        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.ReceiptsAsync(host, BobPhone), r => r.Any(x => x.Id == id && x.Type == "delivery"), "Bob's delivery receipt");
    }

    [Fact]
    public async Task Group_texts_from_a_members_phone_decrypt_with_its_sender_key_into_MessageReceived_events_of_the_group()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, _) = await LinkedAliceAsync(host);
        var group = await SimulatorPhones.CreateGroupAsync(host, "the team", BobPhone, [Phone]);

        var first = await SimulatorPhones.SendTextAsync(host, BobPhone, group, "hello team");
        var second = await SimulatorPhones.SendTextAsync(host, BobPhone, group, "again");
        var events = await SessionLog.WaitForAsync(system, Alice, e => Received(e).Count() == 2, "the two group texts");

        Assert.Equal([first, second], Received(events).Select(r => r.MessageId));
        Assert.Equal(["hello team", "again"], Received(events).Select(r => r.Text));
        Assert.All(Received(events), r =>
        {
            Assert.Equal(group, r.Chat);
            Assert.Null(r.ChatAlt);
            Assert.Equal(bob.Lid, r.Sender);
            Assert.Equal(bob.Jid, r.SenderAlt);
            Assert.False(r.FromMe);
        });
        // The pairwise parts carried only the sender key: no event of their own, and nothing undecryptable.
        Assert.DoesNotContain(events, e => e.Body is UndecryptableBody);
    }

    [Fact]
    public async Task A_session_whose_signed_prekey_is_due_rotates_it_at_login_and_a_phone_starting_a_session_from_the_new_bundle_reaches_it()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        // Due at every login: the one after the link rotates from id 1 to 2 before any contact fetches a bundle.
        var (system, _) = await LinkedAliceAsync(host, LinkByQrTests.Dependencies(_nodes, host) with { Messaging = new() { SignedPreKeyRotation = TimeSpan.Zero } });
        await SessionLog.WaitForAsync(system, Alice, _ => _nodes.Logs.Count(1313) > 0, "the rotation");

        var id = await SimulatorPhones.SendTextAsync(host, BobPhone, AliceJid, "on the new key");
        var events = await SessionLog.WaitForAsync(system, Alice, e => Received(e).Any(), "the message");

        Assert.Equal(id, Assert.Single(Received(events)).MessageId);
        Assert.Contains((await SessionLog.StoredAsync(system, Alice)).OfType<SessionCluster.Sessions.State.Proto.SignedPreKeyRotated>(), r => r.SealedRegistration.Length > 0);
        // The server took the new key (a refused rotate iq is logged as 1307), so the phone's bundle carried it.
        Assert.DoesNotContain(_nodes.Logs.Entries, e => e.Id.Id == 1307 && e.Message.Contains("rotation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sent_text_reaches_the_recipients_phone_and_a_DeviceSentMessage_copy_reaches_the_sessions_own_phone_and_becomes_Sent_then_Delivered()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedAliceAsync(host);

        var accepted = Assert.IsType<SendAccepted>(await Ask(session, Send.Text(Alice, bob.Jid, "hello bob")));

        var bobs = await SimulatorPhones.WaitForAsync(() => SimulatorPhones.MessagesAsync(host, BobPhone), m => m.Any(x => x.Id == accepted.MessageId), "Bob's phone to get it");
        Assert.Equal("hello bob", Assert.Single(bobs, m => m.Id == accepted.MessageId).Text);
        var own = await SimulatorPhones.WaitForAsync(() => SimulatorPhones.MessagesAsync(host, Phone), m => m.Any(x => x.Id == accepted.MessageId), "Alice's phone to get the copy");
        var copy = Assert.Single(own, m => m.Id == accepted.MessageId);
        Assert.True(copy.SentCopy);
        Assert.Equal(bob.Jid, copy.Chat);
        var events = await SessionLog.WaitForAsync(system, Alice, e => Statuses(e, accepted.MessageId).Contains(MessageDelivery.Delivered), "Delivered");
        Assert.Equal([MessageDelivery.Accepted, MessageDelivery.Sent], Statuses(events, accepted.MessageId).Take(2));
    }

    /// <summary>
    /// Device lists that are stale as soon as they are stored (lifetime zero): the send must still go to the devices usync
    /// just answered. It used to read the cache again after the answer, so a list that expired meanwhile left its user out
    /// unseen (the soak's texts that reached only one side); here both would be left out and the send Failed.
    /// </summary>
    [Fact]
    public async Task A_send_goes_to_the_devices_usync_answered_even_when_their_cached_lists_expire_before_the_encryption()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedAliceAsync(host, LinkByQrTests.Dependencies(_nodes, host) with { Messaging = new() { DeviceListLifetime = TimeSpan.Zero } });

        var accepted = Assert.IsType<SendAccepted>(await Ask(session, Send.Text(Alice, bob.Jid, "hello bob")));

        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.MessagesAsync(host, BobPhone), m => m.Any(x => x.Id == accepted.MessageId), "Bob's phone to get it");
        var own = await SimulatorPhones.WaitForAsync(() => SimulatorPhones.MessagesAsync(host, Phone), m => m.Any(x => x.Id == accepted.MessageId), "Alice's phone to get the copy");
        Assert.True(Assert.Single(own, m => m.Id == accepted.MessageId).SentCopy);
        var events = await SessionLog.WaitForAsync(system, Alice, e => Statuses(e, accepted.MessageId).Contains(MessageDelivery.Delivered), "Delivered");
        Assert.DoesNotContain(MessageDelivery.Failed, Statuses(events, accepted.MessageId));
    }

    [Fact]
    public async Task The_same_idempotency_key_is_answered_with_the_first_sends_id_and_sends_nothing_more()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedAliceAsync(host);

        var first = Assert.IsType<SendAccepted>(await Ask(session, Send.Text(Alice, bob.Jid, "once", "key-1")));
        var again = Assert.IsType<SendAccepted>(await Ask(session, Send.Text(Alice, bob.Jid, "once", "key-1")));

        Assert.Equal(first.MessageId, again.MessageId);
        await SessionLog.WaitForAsync(system, Alice, e => Statuses(e, first.MessageId).Contains(MessageDelivery.Sent), "Sent");
        Assert.Single(await SimulatorPhones.MessagesAsync(host, BobPhone), m => m.Text == "once");
    }

    [Fact]
    public async Task Bad_sends_are_refused_with_a_reason_and_write_nothing()
    {
        await using var host = await Simulators.StartAsync();
        var (system, session) = await LinkedAliceAsync(host);
        var before = (await SessionLog.EventsAsync(system, Alice)).Count;

        Assert.Equal(SendRefusal.BadRecipient, Assert.IsType<SendRefused>(await Ask(session, Send.Text(Alice, "not a jid", "x"))).Reason);
        Assert.Equal(SendRefusal.BadRecipient, Assert.IsType<SendRefused>(await Ask(session, Send.Text(Alice, "15550002222:3@s.whatsapp.net", "x"))).Reason);
        Assert.Equal(SendRefusal.BadRecipient, Assert.IsType<SendRefused>(await Ask(session, Send.Text(Alice, AliceJid, "x"))).Reason);
        Assert.Equal(SendRefusal.BadContent, Assert.IsType<SendRefused>(await Ask(session, new Send(Alice, "15550002222@s.whatsapp.net", new Protocol.Wa.E2E.Message()))).Reason);

        Assert.Equal(before, (await SessionLog.EventsAsync(system, Alice)).Count);
    }

    [Fact]
    public async Task Fifty_texts_sent_while_the_node_is_down_arrive_once_each_in_order_after_it_starts_again()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (first, _) = await LinkedAliceAsync(host);
        await SessionNodes.StopAsync(first);

        var ids = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            ids.Add(await SimulatorPhones.SendTextAsync(host, BobPhone, AliceJid, $"offline {i}"));
        }

        var second = _nodes.Start();
        second.ActorOf(SessionActor.Props(Alice, LinkByQrTests.Dependencies(_nodes, host)));
        var events = await SessionLog.WaitForAsync(second, Alice, e => Received(e).Count() >= ids.Count, "the 50 offline texts");

        Assert.Equal(ids, Received(events).Select(r => r.MessageId));
        // The server's end-of-backlog marker (<ib><offline count>) counts at least the 50 texts.
        Assert.Contains(_nodes.Logs.Entries, e => e.Id.Id == 1314);
        Assert.All(Received(events), r => Assert.True(r.Offline));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"offline {i}"), Received(events).Select(r => r.Text));
    }

    private static string AliceJid => Phone + "@s.whatsapp.net";

    private static IEnumerable<MessageReceivedBody> Received(IEnumerable<SessionEvent> events) => events.Select(e => e.Body).OfType<MessageReceivedBody>();

    private static List<MessageDelivery> Statuses(IEnumerable<SessionEvent> events, string id) =>
        events.Select(e => e.Body).OfType<MessageStatusBody>().Where(s => s.MessageId == id).Select(s => s.Status).ToList();

    private Task<(ActorSystem System, IActorRef Session)> LinkedAliceAsync(SimulatorHost host, SessionActorDependencies? dependencies = null) =>
        LinkedSessions.LinkedAliceAsync(_nodes, host, dependencies);
}
