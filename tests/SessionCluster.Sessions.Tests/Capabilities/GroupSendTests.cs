using System.Net.Http.Json;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.Ratchets;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>
/// Sending to a group with sender keys (docs/PROTOCOL.md §9 "Group stanza") through the simulator, whose phones decrypt
/// as members: every member reads each message; our key's distribution goes only to devices that lack it (recorded
/// per key id once acked); the members and their devices are asked once and kept (a member added is asked for then); a
/// member removed — by us, by another admin, or leaving, and across a restart of the session — makes the next send use
/// a new key, held by the members that remain and a member added since, never by the one removed. A member device that
/// lost our key asks again (a retry receipt) and gets the message with our key's distribution, and reads what follows.
/// </summary>
public sealed class GroupSendTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    private const string CarolPhone = "15550003333";
    private const string DavePhone = "15550004444";

    [Fact]
    public async Task Members_read_every_group_message_a_retry_hands_back_our_key_and_a_removed_member_is_left_out_of_the_next_key()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var carol = await SimulatorPhones.CreateAccountAsync(host, CarolPhone);
        var dave = await SimulatorPhones.CreateAccountAsync(host, DavePhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        var group = Assert.IsType<GroupReady>(await Ask(session, new CreateGroup(Alice, "Team", [bob.Jid, carol.Jid]))).Group.Jid;

        var first = await SendAndDeliverAsync(session, group, "hello team", [BobPhone, CarolPhone], host);
        // The participant device cache: the second send asks the server for nobody's devices again.
        var usyncs = (await LinkedSessions.StatsAsync(host)).UsyncQueries;
        var second = await SendAndDeliverAsync(session, group, "second", [BobPhone, CarolPhone], host);
        Assert.Equal(usyncs, (await LinkedSessions.StatsAsync(host)).UsyncQueries);
        var senderKeys = GroupSenderKeysActor.PersistenceIdOf(Alice, SessionCluster.Protocol.Binary.Jid.Parse(group));
        var shared = await SharedAsync(system, senderKeys, 1);
        // The distribution went out with the first message only (to Bob's, Carol's and our own phone): the second found
        // every device holding the key.
        var firstKey = Assert.Single(shared);
        Assert.Equal(3, firstKey.Devices.Count);

        // Bob's phone loses our key while it is recorded as holding it: the next skmsg fails, its retry receipt gets the
        // message pairwise with our key's distribution in it, and the message after that is read with the same key.
        // Our Signal session with Bob's phone moves only when something is encrypted for it pairwise: the resend does;
        // the next message, an skmsg alone, must not (without the distribution Bob would ask again and get another resend).
        var bobRatchet = DeviceRatchetActor.PersistenceIdOf(Alice, SessionCluster.Protocol.Binary.Jid.Parse(bob.Lid));
        var beforeRetry = (await SessionLog.StoredAsync(system, bobRatchet)).Count;
        await ForgetSenderKeysAsync(host, BobPhone);
        await SendAndDeliverAsync(session, group, "after bob lost the key", [BobPhone, CarolPhone], host);
        var afterRetry = (await SessionLog.StoredAsync(system, bobRatchet)).Count;
        Assert.True(afterRetry > beforeRetry, "Bob's phone read the message it could not decrypt only from a pairwise resend");
        await SendAndDeliverAsync(session, group, "read with the key again", [BobPhone, CarolPhone], host);
        Assert.Equal(afterRetry, (await SessionLog.StoredAsync(system, bobRatchet)).Count);
        Assert.Equal(firstKey.KeyId, Assert.Single(await SharedAsync(system, senderKeys, 1)).KeyId);

        Assert.IsType<GroupParticipantsChanged>(await Ask(session, new ChangeGroupParticipants(Alice, group, GroupParticipantAction.Remove, [carol.Jid])));
        Assert.IsType<GroupParticipantsChanged>(await Ask(session, new ChangeGroupParticipants(Alice, group, GroupParticipantAction.Add, [dave.Jid])));
        await SendAndDeliverAsync(session, group, "after carol left", [BobPhone, DavePhone], host);
        // The member added emptied the cache of members: the send reached Dave, whose devices were the only ones asked for.
        Assert.Equal(usyncs + 1, (await LinkedSessions.StatsAsync(host)).UsyncQueries);

        shared = await SharedAsync(system, senderKeys, 2);
        Assert.NotEqual(firstKey.KeyId, shared[1].KeyId);
        Assert.Equal(3, shared[1].Devices.Count);
        Assert.DoesNotContain(shared[1].Devices, d => IsOf(d, carol));
        Assert.DoesNotContain(await SimulatorPhones.MessagesAsync(host, CarolPhone), m => m.Text == "after carol left");

        // Group receipts: the members' phones' delivery receipts are the send's statuses, per device.
        var statuses = await SessionLog.WaitForAsync(system, Alice,
            e => e.Select(x => x.Body).OfType<MessageStatusBody>().Count(s => s.MessageId == first && s.Status == MessageDelivery.Delivered) >= 2, "delivered from both members");
        Assert.All(statuses.Select(x => x.Body).OfType<MessageStatusBody>().Where(s => s.MessageId == first), s => Assert.Equal(group, s.Chat));
        _ = second;
    }

    [Fact]
    public async Task A_member_removed_by_another_admin_or_leaving_is_left_out_of_the_next_key_even_across_a_restart()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var carol = await SimulatorPhones.CreateAccountAsync(host, CarolPhone);
        var dave = await SimulatorPhones.CreateAccountAsync(host, DavePhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        var group = await SimulatorPhones.CreateGroupAsync(host, "Bob's team", BobPhone, [Phone, CarolPhone, DavePhone]);
        var senderKeys = GroupSenderKeysActor.PersistenceIdOf(Alice, SessionCluster.Protocol.Binary.Jid.Parse(group));

        await SendAndDeliverAsync(session, group, "one", [BobPhone, CarolPhone, DavePhone], host);
        var firstKey = Assert.Single(await SharedAsync(system, senderKeys, 1));
        Assert.Equal(4, firstKey.Devices.Count);

        // Bob, the group's admin, removes Carol from his phone: our session hears it only as a w:gp2 notification.
        await ChangeMembersAsync(host, group, "remove", BobPhone, [CarolPhone]);
        await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is GroupChangedBody { Change: GroupChange.Removed }), "Carol's removal as an event");
        await SendAndDeliverAsync(session, group, "two", [BobPhone, DavePhone], host);
        var secondKey = (await SharedAsync(system, senderKeys, 2))[1];
        Assert.NotEqual(firstKey.KeyId, secondKey.KeyId);
        Assert.Equal(3, secondKey.Devices.Count);
        Assert.DoesNotContain(secondKey.Devices, d => IsOf(d, carol));

        // Dave leaves, and the session restarts before its next send: nothing kept in memory decides the new key.
        await ChangeMembersAsync(host, group, "leave", DavePhone, []);
        await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is GroupChangedBody { Change: GroupChange.Left }), "Dave's leaving as an event");
        await SessionNodes.StopAsync(system);
        var restartedSystem = Nodes.Start();
        var restarted = restartedSystem.ActorOf(SessionActor.Props(Alice, Dependencies(Nodes, host)));
        await SendAndDeliverAsync(restarted, group, "three", [BobPhone], host);
        var thirdKey = (await SharedAsync(restartedSystem, senderKeys, 3))[2];
        Assert.DoesNotContain(thirdKey.KeyId, new[] { firstKey.KeyId, secondKey.KeyId });
        Assert.Equal(2, thirdKey.Devices.Count);
        Assert.DoesNotContain(thirdKey.Devices, d => IsOf(d, dave));
        Assert.DoesNotContain(await SimulatorPhones.MessagesAsync(host, CarolPhone), m => m.Text is "two" or "three");
        Assert.DoesNotContain(await SimulatorPhones.MessagesAsync(host, DavePhone), m => m.Text == "three");
    }

    [Fact]
    public async Task A_send_to_a_group_the_session_is_not_in_fails_with_the_servers_reason()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        await SimulatorPhones.CreateAccountAsync(host, CarolPhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        var theirs = await SimulatorPhones.CreateGroupAsync(host, "Not ours", BobPhone, [CarolPhone]);

        var accepted = Assert.IsType<SendAccepted>(await Ask(session, Send.Text(Alice, theirs, "let me in")));

        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is MessageStatusBody { Status: MessageDelivery.Failed } s && s.MessageId == accepted.MessageId),
            "the send to a foreign group to fail");
        Assert.Contains("403", events.Select(e => e.Body).OfType<MessageStatusBody>().Single(s => s.Status == MessageDelivery.Failed).Reason, StringComparison.Ordinal);
    }

    /// <summary>Whether the device jid <paramref name="device"/> is one of <paramref name="account"/>'s (by LID or phone number).</summary>
    private static bool IsOf(string device, SimulatorPhones.AccountInfo account) =>
        device.StartsWith(account.Lid.Split('@')[0], StringComparison.Ordinal) || device.StartsWith(account.Jid.Split('@')[0], StringComparison.Ordinal);

    /// <summary>The simulator phone forgets the sender keys it received (its senders still count it as a holder).</summary>
    private static async Task ForgetSenderKeysAsync(Simulator.SimulatorHost host, string phone)
    {
        using var http = new HttpClient();
        using var response = await http.DeleteAsync(new Uri($"{host.AdminUrl}/accounts/{phone}/sender-keys"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A member's change made from its phone (the simulator's admin API): the session is not the one acting.</summary>
    private static async Task ChangeMembersAsync(Simulator.SimulatorHost host, string group, string action, string by, string[] participants)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync($"{host.AdminUrl}/groups/{group}/participants:{action}", new { by, participants });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The sender-key actor's shared-device records once there are <paramref name="count"/> (the server's ack may come after the phones read).</summary>
    private static async Task<List<SenderKeyShared>> SharedAsync(Akka.Actor.ActorSystem system, string senderKeys, int count)
    {
        var shared = await SimulatorPhones.WaitForAsync(
            async () => (await SessionLog.StoredAsync(system, senderKeys)).OfType<SenderKeyShared>().ToList(), s => s.Count >= count, $"{count} shared-key records");
        Assert.Equal(count, shared.Count);
        return shared;
    }

    private static async Task<string> SendAndDeliverAsync(Akka.Actor.IActorRef session, string group, string text, string[] members, Simulator.SimulatorHost host)
    {
        var accepted = Assert.IsType<SendAccepted>(await Ask(session, Send.Text(Alice, group, text)));
        foreach (var member in members)
        {
            var messages = await SimulatorPhones.WaitForAsync(() => SimulatorPhones.MessagesAsync(host, member), m => m.Any(x => x.Id == accepted.MessageId), $"{member} to read '{text}'");
            var received = messages.Single(x => x.Id == accepted.MessageId);
            Assert.Equal((group, text), (received.Chat, received.Text));
        }

        return accepted.MessageId;
    }
}
