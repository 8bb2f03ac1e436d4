using SessionCluster.Protocol.Binary;

namespace SessionCluster.Simulator.Tests.Relay;

/// <summary>
/// LID addressing (docs/PROTOCOL.md §5, §9, §10; docs/SIMULATOR.md "LID addressing"): an account's PN and its LID name one
/// device list; whatever form the sender used, deliveries come from the sender's LID device with its phone number beside it.
/// </summary>
public sealed class LidAddressingTests
{
    [Fact]
    public async Task A_message_addressed_to_the_PN_and_one_addressed_to_the_LID_reach_the_same_devices_with_the_same_attributes()
    {
        await using var harness = await RelayHarness.StartAsync();
        var b2 = await RelayHarness.NewCompanionAsync(harness.Host, harness.B.Phone);
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        var (other, _, _) = await b2.OnlineAsync(harness.Host);
        var lidB = harness.AccountOf(harness.B);
        await using (a)
        await using (b)
        await using (other)
        {
            await a.SendAsync(RelayHarness.Message("3EB0PN01", "15550002222@s.whatsapp.net", "15550002222@s.whatsapp.net", harness.B.Jid, b2.Jid));
            await a.SendAsync(RelayHarness.Message("3EB0LID1", lidB.Lid.ToString(), lidB.DeviceLid(0).ToString(), harness.LidOf(harness.B), harness.LidOf(b2)));
            var acks = new[] { await a.ReceiveUntilAsync(n => n.Tag == "ack"), await a.ReceiveUntilAsync(n => n.Tag == "ack") };
            Assert.All(acks, ack => Assert.Null(ack.GetOptionalString("error")));
            // The ack names the chat as the sender addressed it.
            Assert.Equal(["15550002222@s.whatsapp.net", lidB.Lid.ToString()], acks.Select(ack => ack.GetString("from")));

            string[] expected = [$"from={harness.LidOf(harness.A)}", "sender_pn=15550001111@s.whatsapp.net", "addressing_mode=lid"];
            foreach (var device in new[] { b, other })
            {
                var byPn = await device.ReceiveUntilAsync(n => n.Tag == "message");
                var byLid = await device.ReceiveUntilAsync(n => n.Tag == "message");
                Assert.Equal(("3EB0PN01", "3EB0LID1"), (byPn.GetString("id"), byLid.GetString("id")));
                Assert.Equal([.. expected, "id=3EB0PN01", "type=text"], RelayHarness.AttributesOf(byPn, "t"));
                Assert.Equal([.. expected, "id=3EB0LID1", "type=text"], RelayHarness.AttributesOf(byLid, "t"));
            }

            var atPhone = harness.Phones.Delivered.Where(d => d.Phone == harness.B.Phone && d.Stanza.Tag == "message").Select(d => d.Stanza.GetString("id"));
            await harness.Phones.WaitForAsync(d => d.Phone == harness.B.Phone && d.Stanza.GetOptionalString("id") == "3EB0LID1");
            Assert.Equal(["3EB0PN01", "3EB0LID1"], atPhone);
        }
    }

    [Fact]
    public async Task A_peer_message_to_an_own_device_comes_from_the_LID_device_with_the_own_phone_number()
    {
        await using var harness = await RelayHarness.StartAsync();
        var a2 = await RelayHarness.NewCompanionAsync(harness.Host, harness.A.Phone);
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        var (own, _, _) = await a2.OnlineAsync(harness.Host);
        await using (a)
        await using (own)
        {
            var peer = new Node("message", [("id", "3EB0PEER"), ("to", harness.LidOf(a2)), ("type", "protocol"), ("category", "peer")],
                [new Node("enc", [("v", "2"), ("type", "msg")], new byte[] { 1 })]);
            await a.SendAsync(peer);
            var atOwn = await own.ReceiveUntilAsync(n => n.Tag == "message");
            Assert.Equal(
                [$"from={harness.LidOf(harness.A)}", "sender_pn=15550001111@s.whatsapp.net", "addressing_mode=lid", "id=3EB0PEER", "type=protocol", "category=peer"],
                RelayHarness.AttributesOf(atOwn, "t"));
        }
    }

    [Fact]
    public async Task Receipts_to_the_PN_or_the_LID_come_from_the_receivers_LID_device_and_a_retry_reaches_the_device_named_by_LID()
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
            await b.SendAsync(new Node("receipt", [("id", "3EB0R001"), ("to", harness.A.Jid)]));
            await b.SendAsync(new Node("receipt", [("id", "3EB0R002"), ("to", harness.LidOf(harness.A))]));
            foreach (var id in (string[])["3EB0R001", "3EB0R002"])
            {
                var ack = await b.ReceiveUntilAsync(n => n.Tag == "ack");
                Assert.Equal(id, ack.GetString("id"));
                var delivery = await a.ReceiveUntilAsync(n => n.Tag == "receipt");
                Assert.Equal([$"from={harness.LidOf(harness.B)}", "id=" + id], RelayHarness.AttributesOf(delivery, "t"));
            }

            // A retry to A's second device by its LID reaches that device alone, from B's LID device.
            await b.SendAsync(new Node("receipt", [("id", "3EB0R003"), ("to", harness.LidOf(a2)), ("type", "retry")],
                [new Node("retry", [("count", "1"), ("id", "3EB0R003"), ("t", "1700000000"), ("v", "1")])]));
            var retry = await other.ReceiveUntilAsync(n => n.Tag == "receipt" && n.GetOptionalString("type") == "retry");
            Assert.Equal(harness.LidOf(harness.B), retry.GetString("from"));
            await RelayHarness.AssertNothingPendingAsync(a);
        }
    }

    [Fact]
    public async Task Usync_and_bundle_fetches_by_LID_answer_the_same_devices_and_keys_as_by_PN()
    {
        await using var harness = await RelayHarness.StartAsync();
        var b2 = await RelayHarness.NewCompanionAsync(harness.Host, harness.B.Phone);
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        var accountB = harness.AccountOf(harness.B);
        await using (a)
        await using (b)
        {
            var answer = await a.QueryAsync("usync", "get", new Node("usync", [("sid", "s1"), ("mode", "query"), ("context", "message"), ("last", "true"), ("index", "0")],
            [
                new Node("query", null, [new Node("devices", [("version", "2")]), new Node("lid")]),
                new Node("list", null, [new Node("user", [("jid", "15550002222@s.whatsapp.net")]), new Node("user", [("jid", accountB.Lid.ToString())])]),
            ]));
            var users = answer.GetChild("usync").GetChild("list").Children;
            Assert.Equal(["15550002222@s.whatsapp.net", accountB.Lid.ToString()], users.Select(u => u.GetString("jid")));
            var lists = users.Select(u => string.Join(",", u.GetChild("devices").GetChild("device-list").Children.Select(d => d.GetString("id") + "/" + d.GetOptionalString("key-index")))).ToArray();
            Assert.Equal("0/,1/1,2/2", lists[0]);
            Assert.Equal(lists[0], lists[1]);
            Assert.All(users, u => Assert.Equal(accountB.Lid.ToString(), u.GetChild("lid").GetString("val")));

            await b.SendAsync(harness.B.Device.PreKeyUpload("up", 6));
            await b.ReceiveUntilAsync(n => n.GetOptionalString("id") == "up");
            var byLid = (await a.QueryAsync("encrypt", "get", new Node("key", null, [new Node("user", [("jid", harness.LidOf(harness.B))])]))).GetChild("list").GetChild("user");
            var byPn = (await a.QueryAsync("encrypt", "get", new Node("key", null, [new Node("user", [("jid", harness.B.Jid)])]))).GetChild("list").GetChild("user");
            Assert.Equal((harness.LidOf(harness.B), harness.B.Jid), (byLid.GetString("jid"), byPn.GetString("jid")));
            Assert.Equal(harness.B.Device.Identity.PublicKey.ToArray(), byLid.GetChild("identity").Bytes.ToArray());
            // One device, one set of one-time keys: the PN fetch takes the next id after the LID fetch.
            Assert.Equal(new byte[] { 0, 0, 1 }, byLid.GetChild("key").GetChild("id").Bytes.ToArray());
            Assert.Equal(new byte[] { 0, 0, 2 }, byPn.GetChild("key").GetChild("id").Bytes.ToArray());
        }
    }
}
