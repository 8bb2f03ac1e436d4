using SessionCluster.Protocol.Binary;

namespace SessionCluster.Simulator.Tests.Relay;

/// <summary>1:1 relay through the C# Noise client: fan-out, error acks, offline queues, receipts (docs/PROTOCOL.md §9-§10).</summary>
public sealed class MessageRelayTests
{
    [Fact]
    public async Task A_message_to_an_unknown_account_gets_an_error_ack_and_goes_nowhere()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        await using (a)
        {
            await a.SendAsync(RelayHarness.Message("3EB0AAA1", "19990000000@s.whatsapp.net", "19990000000@s.whatsapp.net"));
            var ack = await a.ReceiveUntilAsync(n => n.Tag == "ack");
            Assert.Equal(("message", "3EB0AAA1", "404"), (ack.GetString("class"), ack.GetString("id"), ack.GetString("error")));
            Assert.Equal(0, harness.Host.Server.DeviceQueues.QueueDepth);
        }
    }

    [Theory]
    [InlineData("15550002222:9@s.whatsapp.net")] // no such companion
    [InlineData("15550003333@s.whatsapp.net")] // a third account's device
    [InlineData("SENDER")] // the sending device itself
    public async Task A_participant_list_naming_a_device_that_may_not_receive_it_gets_error_400_and_delivers_nothing(string bad)
    {
        await using var harness = await RelayHarness.StartAsync();
        await TestSimulatorAccount(harness, "15550003333");
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        await using (a)
        {
            var device = bad == "SENDER" ? harness.A.Jid : bad;
            await a.SendAsync(RelayHarness.Message("3EB0AAA2", "15550002222@s.whatsapp.net", "15550002222@s.whatsapp.net", harness.B.Jid, device));
            var ack = await a.ReceiveUntilAsync(n => n.Tag == "ack");
            Assert.Equal("400", ack.GetString("error"));
            Assert.Equal(0, harness.Host.Server.DeviceQueues.QueueDepth);
            Assert.Empty(harness.Phones.Delivered);
        }
    }

    [Fact]
    public async Task A_message_reaches_every_named_device_with_the_sending_device_as_from_and_the_sender_gets_its_ack()
    {
        await using var harness = await RelayHarness.StartAsync();
        var a2 = await RelayHarness.NewCompanionAsync(harness.Host, harness.A.Phone);
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        var (own, _, _) = await a2.OnlineAsync(harness.Host);
        await using (a)
        await using (b)
        await using (own)
        {
            await a.SendAsync(RelayHarness.Message("3EB0BBB1", "15550002222@s.whatsapp.net", "15550002222@s.whatsapp.net", harness.B.Jid, "15550001111@s.whatsapp.net", a2.Jid));
            var ack = await a.ReceiveUntilAsync(n => n.Tag == "ack");
            Assert.Equal(("message", "3EB0BBB1"), (ack.GetString("class"), ack.GetString("id")));
            Assert.Null(ack.GetOptionalString("error"));
            Assert.NotNull(ack.GetOptionalString("t"));

            // From the sender's LID device with its phone number (Baileys extractAddressingContext, WM parseMessageSource).
            var atB = await b.ReceiveUntilAsync(n => n.Tag == "message");
            Assert.Equal(
                [$"from={harness.LidOf(harness.A)}", "sender_pn=15550001111@s.whatsapp.net", "addressing_mode=lid", "id=3EB0BBB1", "type=text"],
                RelayHarness.AttributesOf(atB, "t"));
            Assert.Equal("ct:3EB0BBB1:" + harness.B.Jid, System.Text.Encoding.UTF8.GetString(atB.GetChild("enc").Bytes.Span));

            // The sender's own devices: the chat by LID with its phone number, and no sender_pn.
            var atOwn = await own.ReceiveUntilAsync(n => n.Tag == "message");
            Assert.Equal(
                [$"from={harness.LidOf(harness.A)}", $"recipient={harness.LidUserOf(harness.B)}", "peer_recipient_pn=15550002222@s.whatsapp.net", "addressing_mode=lid", "id=3EB0BBB1", "type=text"],
                RelayHarness.AttributesOf(atOwn, "t"));

            var atPhoneB = await harness.Phones.WaitForAsync(d => d.Phone == harness.B.Phone && d.Stanza.Tag == "message");
            Assert.Equal((harness.LidOf(harness.A), "15550001111@s.whatsapp.net"), (atPhoneB.GetString("from"), atPhoneB.GetString("sender_pn")));
            var atPhoneA = await harness.Phones.WaitForAsync(d => d.Phone == harness.A.Phone && d.Stanza.Tag == "message");
            Assert.Equal((harness.LidUserOf(harness.B), "15550002222@s.whatsapp.net"), (atPhoneA.GetString("recipient"), atPhoneA.GetString("peer_recipient_pn")));
        }
    }

    [Fact]
    public async Task The_offline_queue_redelivers_until_acked_and_exactly_once_after_the_ack()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        await using (a)
        {
            await a.SendAsync(RelayHarness.Message("3EB0CCC1", "15550002222@s.whatsapp.net", harness.B.Jid));
            await a.SendAsync(RelayHarness.Message("3EB0CCC2", "15550002222@s.whatsapp.net", harness.B.Jid));
            await a.ReceiveUntilAsync(n => n.Tag == "ack" && n.GetString("id") == "3EB0CCC2");
        }

        // First login: both arrive marked offline; B acks only the first, then goes away.
        var (b, count, delivered) = await harness.B.OnlineAsync(harness.Host);
        await using (b)
        {
            Assert.Equal(2, count);
            Assert.Equal(["3EB0CCC1", "3EB0CCC2"], delivered.Select(n => n.GetString("id")));
            Assert.All(delivered, n => Assert.NotNull(n.GetOptionalString("offline")));
            await b.SendAsync(new Node("ack", [("id", "3EB0CCC1"), ("to", harness.A.Jid), ("class", "message")]));
            await RelayHarness.AssertNothingPendingAsync(b);
        }

        // Second login: only the unacked one comes again; acked now.
        (b, count, delivered) = await harness.B.OnlineAsync(harness.Host);
        await using (b)
        {
            Assert.Equal(1, count);
            Assert.Equal("3EB0CCC2", Assert.Single(delivered).GetString("id"));
            await b.SendAsync(new Node("ack", [("id", "3EB0CCC2"), ("to", harness.A.Jid), ("class", "message"), ("type", "text")]));
            await RelayHarness.AssertNothingPendingAsync(b);
        }

        (b, count, delivered) = await harness.B.OnlineAsync(harness.Host);
        await using (b)
        {
            Assert.Equal(0, count);
            Assert.Empty(delivered);
            await RelayHarness.AssertNothingPendingAsync(b);
        }
    }

    [Fact]
    public async Task A_receipt_for_a_message_acknowledges_it_like_an_ack()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        await using (a)
        await using (b)
        {
            await a.SendAsync(RelayHarness.Message("3EB0ACK1", "15550002222@s.whatsapp.net", harness.B.Jid));
            await a.SendAsync(RelayHarness.Message("3EB0ACK2", "15550002222@s.whatsapp.net", harness.B.Jid));
            await b.ReceiveUntilAsync(n => n.Tag == "message" && n.GetString("id") == "3EB0ACK2");
            await b.SendAsync(new Node("receipt", [("id", "3EB0ACK1"), ("to", harness.A.Jid), ("type", "inactive")]));
            await b.ReceiveUntilAsync(n => n.Tag == "ack");
            var left = Assert.Single(harness.Host.Server.DeviceQueues.Queued(harness.AccountOf(harness.B), harness.B.DeviceId));
            Assert.Equal("3EB0ACK2", left.GetString("id"));
        }
    }

    [Fact]
    public async Task A_sender_receipt_without_a_to_as_Baileys_sends_for_a_pn_copy_acknowledges_and_keeps_the_stream()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        await using (a)
        await using (b)
        {
            await a.SendAsync(RelayHarness.Message("3EB0SND1", "15550002222@s.whatsapp.net", harness.B.Jid));
            await b.ReceiveUntilAsync(n => n.Tag == "message" && n.GetString("id") == "3EB0SND1");
            await b.SendAsync(new Node("receipt", [("id", "3EB0SND1"), ("recipient", "15550001111@s.whatsapp.net"), ("type", "sender")]));
            var ack = await b.ReceiveUntilAsync(n => n.Tag == "ack");
            Assert.Equal(("receipt", "3EB0SND1", "sender"), (ack.GetString("class"), ack.GetString("id"), ack.GetString("type")));
            Assert.Empty(harness.Host.Server.DeviceQueues.Queued(harness.AccountOf(harness.B), harness.B.DeviceId));

            // The stream is still served; any other receipt without a `to` is still malformed.
            await b.SendAsync(RelayHarness.Message("3EB0SND2", "15550001111@s.whatsapp.net", harness.A.Jid));
            Assert.Equal("3EB0SND2", (await a.ReceiveUntilAsync(n => n.Tag == "message")).GetString("id"));
            await b.SendAsync(new Node("receipt", [("id", "3EB0SND2")]));
            Assert.Equal("stream:error", (await b.ReceiveUntilAsync(n => n.Tag == "stream:error")).Tag);
        }
    }

    [Fact]
    public async Task A_message_to_an_online_device_is_not_written_twice_on_the_same_connection()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        await using (a)
        await using (b)
        {
            await a.SendAsync(RelayHarness.Message("3EB0DDD1", "15550002222@s.whatsapp.net", harness.B.Jid));
            Assert.Equal("3EB0DDD1", (await b.ReceiveUntilAsync(n => n.Tag == "message")).GetString("id"));
            await a.SendAsync(RelayHarness.Message("3EB0DDD2", "15550002222@s.whatsapp.net", harness.B.Jid));
            Assert.Equal("3EB0DDD2", (await b.ReceiveUntilAsync(n => n.Tag == "message")).GetString("id"));
            await RelayHarness.AssertNothingPendingAsync(b);
            Assert.Equal(2, harness.Host.Server.DeviceQueues.Queued(harness.AccountOf(harness.B), harness.B.DeviceId).Count);
        }
    }

    [Fact]
    public async Task Receipts_reach_the_senders_devices_rewritten_from_the_receiver_and_are_acked()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        await using (a)
        await using (b)
        {
            await b.SendAsync(new Node("receipt", [("id", "3EB0EEE1"), ("to", harness.A.Jid)]));
            var ack = await b.ReceiveUntilAsync(n => n.Tag == "ack");
            Assert.Equal(("receipt", "3EB0EEE1"), (ack.GetString("class"), ack.GetString("id")));
            var delivery = await a.ReceiveUntilAsync(n => n.Tag == "receipt");
            Assert.Equal((harness.LidOf(harness.B), "3EB0EEE1", null), (delivery.GetString("from"), delivery.GetString("id"), delivery.GetOptionalString("type")));
            Assert.Equal(harness.LidOf(harness.B), (await harness.Phones.WaitForAsync(d => d.Phone == harness.A.Phone && d.Stanza.Tag == "receipt")).GetString("from"));

            await b.SendAsync(new Node("receipt", [("id", "3EB0EEE1"), ("to", harness.A.Jid), ("type", "read"), ("t", "1700000000")]));
            var read = await a.ReceiveUntilAsync(n => n.Tag == "receipt");
            Assert.Equal(("read", "1700000000"), (read.GetString("type"), read.GetString("t")));

            // Acking the delivery receipt leaves the read receipt queued: the type tells them apart.
            await a.SendAsync(new Node("ack", [("id", "3EB0EEE1"), ("class", "receipt"), ("to", harness.B.Jid)]));
            await RelayHarness.AssertNothingPendingAsync(a);
            var left = Assert.Single(harness.Host.Server.DeviceQueues.Queued(harness.AccountOf(harness.A), harness.A.DeviceId));
            Assert.Equal("read", left.GetString("type"));
        }
    }

    [Fact]
    public async Task A_retry_receipt_goes_only_to_the_device_that_sent_the_message_with_its_retry_node()
    {
        await using var harness = await RelayHarness.StartAsync();
        var a2 = await RelayHarness.NewCompanionAsync(harness.Host, harness.A.Phone);
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        var (other, _, _) = await a2.OnlineAsync(harness.Host);
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        await using (a)
        await using (other)
        await using (b)
        {
            await b.SendAsync(new Node("receipt", [("id", "3EB0FFF1"), ("to", harness.A.Jid), ("type", "retry")],
            [
                new Node("retry", [("count", "1"), ("id", "3EB0FFF1"), ("t", "1700000000"), ("v", "1")]),
                new Node("registration", null, new byte[] { 0, 0, 1, 2 }),
            ]));
            var retry = await a.ReceiveUntilAsync(n => n.Tag == "receipt");
            Assert.Equal(("retry", harness.LidOf(harness.B)), (retry.GetString("type"), retry.GetString("from")));
            Assert.Equal("1", retry.GetChild("retry").GetString("count"));
            Assert.Equal(new byte[] { 0, 0, 1, 2 }, retry.GetChild("registration").Bytes.ToArray());
            await RelayHarness.AssertNothingPendingAsync(other);

            // The resend: one <enc> straight under <message>, to that device only.
            await a.SendAsync(new Node("message", [("id", "3EB0FFF1"), ("to", harness.B.Jid), ("type", "text"), ("device_fanout", "false")],
                [new Node("enc", [("v", "2"), ("type", "pkmsg"), ("count", "1")], new byte[] { 1, 2, 3 })]));
            var resent = await b.ReceiveUntilAsync(n => n.Tag == "message");
            Assert.Equal(("3EB0FFF1", "1"), (resent.GetString("id"), resent.GetChild("enc").GetString("count")));
            Assert.Equal((harness.LidOf(harness.A), "15550001111@s.whatsapp.net"), (resent.GetString("from"), resent.GetString("sender_pn")));
        }
    }

    private static Task TestSimulatorAccount(RelayHarness harness, string phone) =>
        Support.TestSimulator.CreateAccountAsync(harness.Host, phone);
}
