using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Pairing;

namespace SessionCluster.Simulator.Tests.Relay;

/// <summary>Prekey bundle fetch (docs/PROTOCOL.md §7) and usync device lists (docs/PROTOCOL.md §8).</summary>
public sealed class BundleAndUsyncTests
{
    private static Node KeyFetch(params string[] jids) =>
        new("key", null, [.. jids.Select(j => new Node("user", [("jid", j)]))]);

    [Fact]
    public async Task A_bundle_fetch_consumes_one_one_time_key_each_time_and_the_owner_is_told_once_when_it_runs_low()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        await using (a)
        await using (b)
        {
            await b.SendAsync(harness.B.Device.PreKeyUpload("up", 6));
            await b.ReceiveUntilAsync(n => n.GetOptionalString("id") == "up");

            var first = (await a.QueryAsync("encrypt", "get", KeyFetch(harness.B.Jid))).GetChild("list").GetChild("user");
            Assert.Equal(harness.B.Jid, first.GetString("jid"));
            Assert.Equal(harness.B.Device.Identity.PublicKey.ToArray(), first.GetChild("identity").Bytes.ToArray());
            Assert.Equal(harness.B.Device.SignedPreKey.KeyPair.PublicKey.ToArray(), first.GetChild("skey").GetChild("value").Bytes.ToArray());
            Assert.Equal(64, first.GetChild("skey").GetChild("signature").Bytes.Length);
            Assert.Equal(new byte[] { 0, 0, 1 }, first.GetChild("key").GetChild("id").Bytes.ToArray());
            Assert.Equal(new byte[] { 5 }, first.GetChild("type").Bytes.ToArray());

            var second = (await a.QueryAsync("encrypt", "get", KeyFetch(harness.B.Jid))).GetChild("list").GetChild("user");
            Assert.Equal(new byte[] { 0, 0, 2 }, second.GetChild("key").GetChild("id").Bytes.ToArray());

            // 6 - 2 = 4 < 5: B hears about it once, not again at 3.
            var low = await b.ReceiveUntilAsync(n => n.Tag == "notification");
            Assert.Equal(("encrypt", "4"), (low.GetString("type"), low.GetChild("count").GetString("value")));
            await b.SendAsync(new Node("ack", [("id", low.GetString("id")), ("class", "notification"), ("type", "encrypt"), ("to", "s.whatsapp.net")]));
            await a.QueryAsync("encrypt", "get", KeyFetch(harness.B.Jid));
            await RelayHarness.AssertNothingPendingAsync(b);
            var count = await b.QueryAsync("encrypt", "get", new Node("count"));
            Assert.Equal("3", count.GetChild("count").GetString("value"));
        }
    }

    [Fact]
    public async Task A_bundle_fetch_for_an_unknown_device_answers_that_user_with_an_error_and_device_0_comes_from_the_phone()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        await using (a)
        {
            var list = (await a.QueryAsync("encrypt", "get", KeyFetch("15550002222:9@s.whatsapp.net", "15550002222@s.whatsapp.net"))).GetChild("list");
            var unknown = list.Children[0];
            Assert.Equal("404", unknown.GetChild("error").GetString("code"));
            Assert.Equal(new byte[] { 0, 0, 0, 7 }, list.Children[1].GetChild("registration").Bytes.ToArray());
        }
    }

    [Fact]
    public async Task Usync_lists_device_0_and_companions_with_key_indexes_a_verifiable_key_index_list_and_the_lid()
    {
        await using var harness = await RelayHarness.StartAsync();
        var b2 = await RelayHarness.NewCompanionAsync(harness.Host, harness.B.Phone);
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        await using (a)
        {
            var answer = await a.QueryAsync("usync", "get", new Node("usync", [("sid", "s1"), ("mode", "query"), ("context", "message"), ("last", "true"), ("index", "0")],
            [
                new Node("query", null, [new Node("devices", [("version", "2")]), new Node("lid")]),
                new Node("list", null, [new Node("user", [("jid", "15550002222@s.whatsapp.net")]), new Node("user", [("jid", "19990000000@s.whatsapp.net")])]),
            ]));
            Assert.Equal("result", answer.GetString("type"));
            var users = answer.GetChild("usync").GetChild("list").Children;
            var b = users[0];
            var account = harness.AccountOf(harness.B);
            var devices = b.GetChild("devices").GetChild("device-list").Children;
            Assert.Equal(["0", harness.B.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture), b2.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture)], devices.Select(d => d.GetString("id")));
            Assert.Null(devices[0].GetOptionalString("key-index"));
            var keyIndexes = devices.Skip(1).Select(d => uint.Parse(d.GetString("key-index"), System.Globalization.CultureInfo.InvariantCulture)).ToArray();

            var keyIndexList = b.GetChild("devices").GetChild("key-index-list");
            var verified = KeyIndexList.Verify(keyIndexList.Bytes.Span, account.Identity.PublicKey.Span);
            Assert.Equal(ulong.Parse(keyIndexList.GetString("ts"), System.Globalization.CultureInfo.InvariantCulture), verified.Timestamp);
            Assert.Equal(keyIndexes.Order(), verified.ValidIndexes.Order());
            Assert.Equal(keyIndexes.Max(), verified.CurrentIndex);
            Assert.Equal(account.Lid.ToString(), b.GetChild("lid").GetString("val"));

            Assert.Equal("19990000000@s.whatsapp.net", users[1].GetString("jid"));
            Assert.Equal(NodeContentKind.None, users[1].ContentKind);
        }
    }

    [Fact]
    public async Task Linking_another_companion_sends_a_devices_notification_to_the_accounts_online_companions()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        await using (a)
        {
            var a2 = await RelayHarness.NewCompanionAsync(harness.Host, harness.A.Phone);
            var notification = await a.ReceiveUntilAsync(n => n.Tag == "notification");
            Assert.Equal(("devices", "15550001111@s.whatsapp.net", harness.LidUserOf(harness.A)), (notification.GetString("type"), notification.GetString("from"), notification.GetString("lid")));
            var add = notification.GetChild("add");
            Assert.Equal((a2.Jid, harness.LidOf(a2)), (add.GetChild("device").GetString("jid"), add.GetChild("device").GetString("lid")));
            KeyIndexList.Verify(add.GetChild("key-index-list").Bytes.Span, harness.AccountOf(harness.A).Identity.PublicKey.Span);
        }
    }
}
