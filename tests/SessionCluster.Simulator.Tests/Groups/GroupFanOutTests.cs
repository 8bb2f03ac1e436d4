using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Tests.Support;
using static SessionCluster.Simulator.Tests.Support.SenderKeyStanzas;

namespace SessionCluster.Simulator.Tests.Groups;

public sealed class GroupFanOutTests
{
    private const string A = "15550001111";
    private const string B = "15550002222";
    private const string C = "15550003333";

    [Fact]
    public async Task A_group_message_reaches_every_other_member_device_with_its_own_enc_before_the_skmsg()
    {
        await using var host = await TestSimulator.StartAsync();
        var (a, group) = await SetUpAsync(host);
        await using (a)
        {
            var ack = await SendAsync(a, Message(group.ToString(), "m1", To(B + ":1@s.whatsapp.net", "pkmsg")));
            Assert.Null(ack.GetOptionalString("error"));
            Assert.Equal(group.ToString(), ack.GetString("from"));

            var atB = Assert.Single(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(B)!, 1), n => n.Tag == "message");
            Assert.Equal(
                [$"from={group}", $"participant={LidDevice(host, A, 1)}", $"participant_pn={A}@s.whatsapp.net", "addressing_mode=lid", "id=m1", "type=text"],
                atB.Attributes.Where(x => x.Key != "t").Select(x => x.Key + "=" + x.Value));
            Assert.Equal(["enc:pkmsg", "enc:skmsg", "device-identity:"], atB.Children.Select(c => c.Tag + ":" + c.GetOptionalString("type")));

            // A's own second device (not in <participants>: it had the sender key already) gets the skmsg alone.
            var atA2 = Assert.Single(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(A)!, 2), n => n.Tag == "message");
            Assert.Equal(["enc:skmsg"], atA2.Children.Select(c => c.Tag + ":" + c.GetOptionalString("type")));
            Assert.DoesNotContain(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(A)!, 1), n => n.Tag == "message");
            Assert.DoesNotContain(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(C)!, 1), n => n.Tag == "message");
        }
    }

    [Fact]
    public async Task A_retry_resend_with_a_participant_goes_to_that_device_alone()
    {
        await using var host = await TestSimulator.StartAsync();
        var (a, group) = await SetUpAsync(host);
        await using (a)
        {
            var resend = new Node(
                "message",
                [("to", group.ToString()), ("id", "m1"), ("type", "text"), ("participant", B + ":1@s.whatsapp.net")],
                [new Node("enc", [("v", "2"), ("type", "msg"), ("count", "1")], new byte[] { 9 }), new Node("device-identity", null, new byte[] { 7 })]);
            Assert.Null((await SendAsync(a, resend)).GetOptionalString("error"));
            var atB = Assert.Single(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(B)!, 1), n => n.Tag == "message");
            Assert.Equal((group.ToString(), LidDevice(host, A, 1), A + "@s.whatsapp.net"), (atB.GetString("from"), atB.GetString("participant"), atB.GetString("participant_pn")));
            Assert.Equal(["enc:msg"], atB.Children.Select(c => c.Tag + ":" + c.GetOptionalString("type")));
            Assert.DoesNotContain(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(A)!, 2), n => n.Tag == "message");

            var toOutsider = new Node("message", [("to", group.ToString()), ("id", "m2"), ("type", "text"), ("participant", C + ":1@s.whatsapp.net")], [new Node("enc", [("v", "2"), ("type", "msg")], new byte[] { 9 })]);
            Assert.Equal("400", (await SendAsync(a, toOutsider)).GetString("error"));
        }
    }

    [Fact]
    public async Task Group_receipts_reach_the_authors_devices_and_a_retry_only_the_author_device()
    {
        await using var host = await TestSimulator.StartAsync();
        var (a, group) = await SetUpAsync(host);
        var b = await LoggedInAsync(host, B, linkAnother: false);
        await using (a)
        await using (b)
        {
            await SendReceiptAsync(b, new Node("receipt", [("to", group.ToString()), ("participant", A + ":1@s.whatsapp.net"), ("id", "m1")]));
            var accountA = host.Server.Accounts.Find(A)!;
            var atA1 = Assert.Single(host.Server.DeviceQueues.Queued(accountA, 1), n => n.Tag == "receipt");
            Assert.Equal((group.ToString(), LidDevice(host, B, 2), "m1", (string?)null), (atA1.GetString("from"), atA1.GetString("participant"), atA1.GetString("id"), atA1.GetOptionalString("type")));
            Assert.Single(host.Server.DeviceQueues.Queued(accountA, 2), n => n.Tag == "receipt");

            await SendReceiptAsync(b, new Node("receipt", [("to", group.ToString()), ("participant", A + ":2@s.whatsapp.net"), ("id", "m2"), ("type", "retry")], [new Node("retry", [("count", "1"), ("id", "m2"), ("t", "1"), ("v", "1")])]));
            Assert.Single(host.Server.DeviceQueues.Queued(accountA, 1), n => n.Tag == "receipt");
            var retry = Assert.Single(host.Server.DeviceQueues.Queued(accountA, 2), n => n.Tag == "receipt" && n.GetOptionalString("type") == "retry");
            Assert.Equal("m2", retry.GetChild("retry").GetString("id"));

            var errors = host.Server.Stats.Snapshot(0, 0).RelayErrors;
            await SendReceiptAsync(b, new Node("receipt", [("to", "120363000000000001@g.us"), ("participant", A + ":1@s.whatsapp.net"), ("id", "m3")]));
            await SendReceiptAsync(b, new Node("receipt", [("to", group.ToString()), ("id", "m4")]));
            Assert.Equal(errors + 2, host.Server.Stats.Snapshot(0, 0).RelayErrors);
            Assert.Single(host.Server.DeviceQueues.Queued(accountA, 1), n => n.Tag == "receipt");
        }
    }

    [Fact]
    public async Task Devices_named_by_LID_in_participants_and_receipts_are_the_members_devices()
    {
        await using var host = await TestSimulator.StartAsync();
        var (a, group) = await SetUpAsync(host);
        var b = await LoggedInAsync(host, B, linkAnother: false);
        await using (a)
        await using (b)
        {
            // Baileys in LID mode sends the sender key to LID device JIDs (usync by the members' LIDs), its own sending
            // device among them: that one is skipped, not refused.
            Assert.Null((await SendAsync(a, Message(group.ToString(), "m1", To(LidDevice(host, B, 1), "pkmsg"), To(LidDevice(host, B, 0), "pkmsg"), To(LidDevice(host, A, 1), "pkmsg")))).GetOptionalString("error"));
            Assert.DoesNotContain(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(A)!, 1), n => n.Tag == "message");
            var atB1 = Assert.Single(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(B)!, 1), n => n.Tag == "message");
            Assert.Equal(["enc:pkmsg", "enc:skmsg", "device-identity:"], atB1.Children.Select(c => c.Tag + ":" + c.GetOptionalString("type")));
            Assert.Equal(LidDevice(host, A, 1), atB1.GetString("participant"));

            await SendReceiptAsync(b, new Node("receipt", [("to", group.ToString()), ("participant", LidDevice(host, A, 1)), ("id", "m1")]));
            // B's phone answers the opaque test ciphertexts with retry receipts; every receipt names its device by LID.
            var receipts = host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(A)!, 1).Where(n => n.Tag == "receipt").ToArray();
            Assert.All(receipts, r => Assert.EndsWith("@lid", r.GetString("participant"), StringComparison.Ordinal));
            var atA1 = Assert.Single(receipts, r => r.GetOptionalString("type") is null);
            Assert.Equal((group.ToString(), LidDevice(host, B, 2)), (atA1.GetString("from"), atA1.GetString("participant")));
        }
    }

    [Fact]
    public async Task Unknown_groups_non_members_foreign_devices_and_a_missing_skmsg_get_error_acks_and_nothing_is_delivered()
    {
        await using var host = await TestSimulator.StartAsync();
        var (a, group) = await SetUpAsync(host);
        await using (a)
        {
            Assert.Equal("404", (await SendAsync(a, Message("120363000000000001@g.us", "m1"))).GetString("error"));
            Assert.Equal("400", (await SendAsync(a, Message(group.ToString(), "m2", To(C + ":1@s.whatsapp.net", "pkmsg")))).GetString("error"));
            Assert.Equal("400", (await SendAsync(a, Message(group.ToString(), "m3", To(B + ":9@s.whatsapp.net", "pkmsg")))).GetString("error"));
            Assert.Equal("400", (await SendAsync(a, new Node("message", [("to", group.ToString()), ("id", "m4"), ("type", "text")], [new Node("participants", null, [To(B + ":1@s.whatsapp.net", "msg")])]))).GetString("error"));
            Assert.DoesNotContain(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(B)!, 1), n => n.Tag == "message");

            var c = await LoggedInAsync(host, C, linkAnother: false);
            await using (c)
            {
                Assert.Equal("403", (await SendAsync(c, Message(group.ToString(), "m5"))).GetString("error"));
            }

            Assert.DoesNotContain(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(B)!, 1), n => n.Tag == "message");
        }
    }

    private static async Task<(TestConnection A, Jid Group)> SetUpAsync(SimulatorHost host)
    {
        foreach (var phone in (string[])[A, B, C])
        {
            await TestSimulator.CreateAccountAsync(host, phone);
        }

        Assert.Equal(1, await TestLinking.LinkAsync(host, B, new TestDevice()));
        Assert.Equal(1, await TestLinking.LinkAsync(host, C, new TestDevice()));
        var a = await LoggedInAsync(host, A, linkAnother: true);
        var group = host.Server.Groups.Create("Fan-out", new Jid(A, JidServer.WhatsApp), [new Jid(B, JidServer.WhatsApp)]);
        return (a, group.Jid);
    }

    /// <summary>Links a companion (device 1) and logs it in; <paramref name="linkAnother"/> links a second one (device 2) that stays offline.</summary>
    private static async Task<TestConnection> LoggedInAsync(SimulatorHost host, string phone, bool linkAnother)
    {
        var device = new TestDevice();
        var id = await TestLinking.LinkAsync(host, phone, device);
        if (linkAnother)
        {
            Assert.Equal(2, await TestLinking.LinkAsync(host, phone, new TestDevice()));
        }

        var (connection, _) = await TestLinking.LoginAsync(host, phone, id, device);
        return connection;
    }
}
