using SessionCluster.Sessions.Ratchets;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>
/// Posting a status (docs/PROTOCOL.md §9 "Status") through the simulator, whose phones decrypt it: the audience and our
/// own phone read it in status@broadcast, nobody else does; every post hands the key to every audience device; a
/// smaller audience makes the next post use a new key.
/// </summary>
public sealed class StatusSendTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    private const string CarolPhone = "15550003333";
    private const string DavePhone = "15550004444";

    [Fact]
    public async Task The_audience_and_our_own_phone_read_a_status_others_do_not_and_a_smaller_audience_gets_a_new_key()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var carol = await SimulatorPhones.CreateAccountAsync(host, CarolPhone);
        await SimulatorPhones.CreateAccountAsync(host, DavePhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);

        var first = await PostAndReadAsync(session, [bob.Jid, carol.Jid], "first story", [BobPhone, CarolPhone, Phone], host);
        await PostAndReadAsync(session, [bob.Jid, carol.Jid], "second story", [BobPhone, CarolPhone], host);
        // The audience is in the durable accept, so a post queued across a restart still knows whom it is for.
        var accepted = (await SessionLog.StoredAsync(system, Alice)).OfType<OutboundAccepted>().Single(a => a.MessageId == first);
        Assert.Equal(StatusChat, accepted.To);
        Assert.Equal([bob.Jid, carol.Jid], accepted.Audience);
        var senderKeys = GroupSenderKeysActor.PersistenceIdOf(Alice, SessionCluster.Protocol.Binary.Jid.Parse(StatusChat));
        var shared = await SharedAsync(system, senderKeys, 2);
        // Every post names every audience device (the server has no member list for a status), with the same key while the audience stays.
        Assert.Equal(shared[0].KeyId, shared[1].KeyId);
        Assert.All(shared, s => Assert.Equal(3, s.Devices.Count));

        await PostAndReadAsync(session, [bob.Jid], "bob only", [BobPhone], host);
        shared = await SharedAsync(system, senderKeys, 3);
        Assert.NotEqual(shared[0].KeyId, shared[2].KeyId);
        Assert.Equal(2, shared[2].Devices.Count);
        Assert.DoesNotContain(await SimulatorPhones.MessagesAsync(host, CarolPhone), m => m.Text == "bob only");
        Assert.DoesNotContain(await SimulatorPhones.MessagesAsync(host, DavePhone), m => m.Chat == StatusChat);

        var statuses = await SessionLog.WaitForAsync(system, Alice,
            e => e.Select(x => x.Body).OfType<MessageStatusBody>().Any(s => s.MessageId == first && s.Status == MessageDelivery.Delivered), "a delivery receipt for the first status");
        Assert.All(statuses.Select(x => x.Body).OfType<MessageStatusBody>().Where(s => s.MessageId == first), s => Assert.Equal(StatusChat, s.Chat));
    }

    [Fact]
    public async Task A_status_without_an_audience_or_with_a_group_in_it_is_refused()
    {
        await using var host = await Simulators.StartAsync();
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        var text = new Protocol.Wa.E2E.Message { Conversation = "nobody" };

        Assert.Equal(SendRefusal.BadRecipient, Assert.IsType<SendRefused>(await Ask(session, new PostStatus(Alice, [], text))).Reason);
        Assert.Equal(SendRefusal.BadRecipient, Assert.IsType<SendRefused>(await Ask(session, new PostStatus(Alice, ["120363000000000001@g.us"], text))).Reason);
        Assert.Equal(SendRefusal.BadContent, Assert.IsType<SendRefused>(await Ask(session, new PostStatus(Alice, [BobPhone + "@s.whatsapp.net"], new Protocol.Wa.E2E.Message()))).Reason);
    }

    private static async Task<List<SenderKeyShared>> SharedAsync(Akka.Actor.ActorSystem system, string senderKeys, int count)
    {
        var shared = await SimulatorPhones.WaitForAsync(
            async () => (await SessionLog.StoredAsync(system, senderKeys)).OfType<SenderKeyShared>().ToList(), s => s.Count >= count, $"{count} shared-key records");
        Assert.Equal(count, shared.Count);
        return shared;
    }

    private static async Task<string> PostAndReadAsync(Akka.Actor.IActorRef session, IReadOnlyList<string> audience, string text, string[] readers, Simulator.SimulatorHost host)
    {
        var accepted = Assert.IsType<SendAccepted>(await Ask(session, new PostStatus(Alice, audience, new Protocol.Wa.E2E.Message { Conversation = text })));
        foreach (var reader in readers)
        {
            var messages = await SimulatorPhones.WaitForAsync(() => SimulatorPhones.MessagesAsync(host, reader), m => m.Any(x => x.Id == accepted.MessageId), $"{reader} to read '{text}'");
            var received = messages.Single(x => x.Id == accepted.MessageId);
            Assert.Equal((StatusChat, text), (received.Chat, received.Text));
        }

        return accepted.MessageId;
    }
}
