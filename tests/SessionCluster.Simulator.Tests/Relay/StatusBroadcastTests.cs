using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Tests.Support;
using static SessionCluster.Simulator.Tests.Support.SenderKeyStanzas;

namespace SessionCluster.Simulator.Tests.Relay;

public sealed class StatusBroadcastTests
{
    private const string A = "15550001111";
    private const string B = "15550002222";
    private const string C = "15550003333";
    private const string Status = "status@broadcast";

    [Fact]
    public async Task A_status_reaches_exactly_the_devices_in_its_participants_from_status_broadcast_with_the_author()
    {
        await using var host = await TestSimulator.StartAsync();
        var a = await SetUpAsync(host);
        await using (a)
        {
            var ack = await SendAsync(a, Message(Status, "s1", To(B + ":1@s.whatsapp.net", "pkmsg"), To(LidDevice(host, A, 2), "msg"), To(LidDevice(host, A, 1), "msg")));
            Assert.Null(ack.GetOptionalString("error"));
            Assert.Equal(Status, ack.GetString("from"));

            var atB = Assert.Single(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(B)!, 1), n => n.Tag == "message");
            Assert.Equal(
                [$"from={Status}", $"participant={LidDevice(host, A, 1)}", $"participant_pn={A}@s.whatsapp.net", "addressing_mode=lid", "id=s1", "type=text"],
                atB.Attributes.Where(x => x.Key != "t").Select(x => x.Key + "=" + x.Value));
            Assert.Equal(["enc:pkmsg", "enc:skmsg", "device-identity:"], atB.Children.Select(c => c.Tag + ":" + c.GetOptionalString("type")));

            // The sender's own second device, named by LID, gets its copy; the sending device (listed too) and everyone not named get nothing.
            var atA2 = Assert.Single(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(A)!, 2), n => n.Tag == "message");
            Assert.Equal(["enc:msg", "enc:skmsg"], atA2.Children.Select(c => c.Tag + ":" + c.GetOptionalString("type")));
            Assert.DoesNotContain(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(A)!, 1), n => n.Tag == "message");
            Assert.DoesNotContain(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(C)!, 1), n => n.Tag == "message");
            Assert.DoesNotContain(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(B)!, 2), n => n.Tag == "message");
        }
    }

    [Fact]
    public async Task A_status_without_participants_or_skmsg_or_naming_an_unknown_device_is_refused_and_nothing_is_delivered()
    {
        await using var host = await TestSimulator.StartAsync();
        var a = await SetUpAsync(host);
        await using (a)
        {
            Assert.Equal("400", (await SendAsync(a, Message(Status, "s1"))).GetString("error"));
            Assert.Equal("400", (await SendAsync(a, new Node("message", [("to", Status), ("id", "s2"), ("type", "text")], [new Node("participants", null, [To(B + ":1@s.whatsapp.net", "msg")])]))).GetString("error"));
            Assert.Equal("400", (await SendAsync(a, Message(Status, "s3", To(B + ":1@s.whatsapp.net", "msg"), To(B + ":9@s.whatsapp.net", "msg")))).GetString("error"));
            Assert.Equal("400", (await SendAsync(a, Message(Status, "s4", To(B + ":1@s.whatsapp.net", "msg"), To("15559999999@s.whatsapp.net", "msg")))).GetString("error"));
            Assert.Equal("400", (await SendAsync(a, Message(Status, "s5", new Node("to", [("jid", B + ":1@s.whatsapp.net")])))).GetString("error"));
            Assert.DoesNotContain(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(B)!, 1), n => n.Tag == "message");
        }
    }

    [Fact]
    public async Task Status_receipts_reach_the_authors_devices_and_a_retry_only_the_author_device()
    {
        await using var host = await TestSimulator.StartAsync();
        var a = await SetUpAsync(host);
        var b = await LoggedInAsync(host, B, linkAnother: false);
        await using (a)
        await using (b)
        {
            var accountA = host.Server.Accounts.Find(A)!;
            await SendReceiptAsync(b, new Node("receipt", [("to", Status), ("participant", LidDevice(host, A, 1)), ("id", "s1"), ("type", "read")]));
            var atA1 = Assert.Single(host.Server.DeviceQueues.Queued(accountA, 1), n => n.Tag == "receipt");
            Assert.Equal((Status, LidDevice(host, B, 2), "s1", "read"), (atA1.GetString("from"), atA1.GetString("participant"), atA1.GetString("id"), atA1.GetOptionalString("type")));
            Assert.Single(host.Server.DeviceQueues.Queued(accountA, 2), n => n.Tag == "receipt");

            await SendReceiptAsync(b, new Node("receipt", [("to", Status), ("participant", A + ":2@s.whatsapp.net"), ("id", "s2"), ("type", "retry")], [new Node("retry", [("count", "1"), ("id", "s2"), ("t", "1"), ("v", "1")])]));
            Assert.Single(host.Server.DeviceQueues.Queued(accountA, 1), n => n.Tag == "receipt");
            Assert.Single(host.Server.DeviceQueues.Queued(accountA, 2), n => n.Tag == "receipt" && n.GetOptionalString("type") == "retry");

            var errors = host.Server.Stats.Snapshot(0, 0).RelayErrors;
            await SendReceiptAsync(b, new Node("receipt", [("to", Status), ("id", "s3")]));
            Assert.Equal(errors + 1, host.Server.Stats.Snapshot(0, 0).RelayErrors);
        }
    }

    [Fact]
    public async Task A_status_resend_with_a_participant_goes_to_that_device_alone()
    {
        await using var host = await TestSimulator.StartAsync();
        var a = await SetUpAsync(host);
        await using (a)
        {
            var resend = new Node(
                "message",
                [("to", Status), ("id", "s1"), ("type", "text"), ("participant", B + ":1@s.whatsapp.net")],
                [new Node("enc", [("v", "2"), ("type", "msg"), ("count", "1")], new byte[] { 9 })]);
            Assert.Null((await SendAsync(a, resend)).GetOptionalString("error"));
            var atB = Assert.Single(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(B)!, 1), n => n.Tag == "message");
            Assert.Equal((Status, LidDevice(host, A, 1)), (atB.GetString("from"), atB.GetString("participant")));
            Assert.Equal(["enc:msg"], atB.Children.Select(c => c.Tag + ":" + c.GetOptionalString("type")));
            Assert.DoesNotContain(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(A)!, 2), n => n.Tag == "message");

            var toNowhere = new Node("message", [("to", Status), ("id", "s2"), ("type", "text"), ("participant", B + ":9@s.whatsapp.net")], [new Node("enc", [("v", "2"), ("type", "msg")], new byte[] { 9 })]);
            Assert.Equal("400", (await SendAsync(a, toNowhere)).GetString("error"));
        }
    }

    private static async Task<TestConnection> SetUpAsync(SimulatorHost host)
    {
        foreach (var phone in (string[])[A, B, C])
        {
            await TestSimulator.CreateAccountAsync(host, phone);
        }

        Assert.Equal(1, await TestLinking.LinkAsync(host, B, new TestDevice()));
        Assert.Equal(1, await TestLinking.LinkAsync(host, C, new TestDevice()));
        return await LoggedInAsync(host, A, linkAnother: true);
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
