using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests;

/// <summary>What a client does between <c>&lt;success&gt;</c> and its open state (Baileys socket.js CB:success, chats.js).</summary>
public sealed class PostLoginTests
{
    private static async Task<(SimulatorHost Host, TestDevice Device, TestConnection Connection)> LoggedInAsync()
    {
        var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var deviceId = await TestLinking.LinkAsync(host, phone, device);
        var (connection, _) = await TestLinking.LoginAsync(host, phone, deviceId, device);
        return (host, device, connection);
    }

    [Fact]
    public async Task Prekey_count_upload_and_digest_follow_what_was_uploaded()
    {
        var (host, device, connection) = await LoggedInAsync();
        await using (host)
        await using (connection)
        {
            var count = await connection.QueryAsync("encrypt", "get", new Node("count"));
            Assert.Equal("0", count.GetChild("count").GetString("value"));

            await connection.SendAsync(device.PreKeyUpload("up-1", 30));
            var uploaded = await connection.ReceiveUntilAsync(n => n.GetOptionalString("id") == "up-1");
            Assert.Equal("result", uploaded.GetString("type"));

            count = await connection.QueryAsync("encrypt", "get", new Node("count"));
            Assert.Equal("30", count.GetChild("count").GetString("value"));

            var digest = await connection.QueryAsync("encrypt", "get", new Node("digest"));
            Assert.Equal(30, digest.GetChild("digest").GetChild("list").Children.Count);
            Assert.Equal(device.Identity.PublicKey.ToArray(), digest.GetChild("digest").GetChild("identity").Bytes.ToArray());
        }
    }

    [Fact]
    public async Task A_prekey_upload_with_a_bad_signed_prekey_signature_is_refused()
    {
        var (host, device, connection) = await LoggedInAsync();
        await using (host)
        await using (connection)
        {
            await connection.SendAsync(device.PreKeyUpload("up-bad", 5, breakSignature: true));
            var refused = await connection.ReceiveUntilAsync(n => n.GetOptionalString("id") == "up-bad");
            Assert.Equal("error", refused.GetString("type"));
            Assert.Equal("406", refused.GetChild("error").GetString("code"));

            var count = await connection.QueryAsync("encrypt", "get", new Node("count"));
            Assert.Equal("0", count.GetChild("count").GetString("value"));
        }
    }

    [Fact]
    public async Task Passive_active_is_acknowledged_then_the_offline_queue_is_reported_empty()
    {
        var (host, _, connection) = await LoggedInAsync();
        await using (host)
        await using (connection)
        {
            var active = await connection.QueryAsync("passive", "set", new Node("active"));
            Assert.Equal("result", active.GetString("type"));
            var offline = await connection.ReceiveAsync();
            Assert.Equal("ib", offline.Tag);
            Assert.Equal("0", offline.GetChild("offline").GetString("count"));
        }
    }

    [Fact]
    public async Task Init_queries_get_fresh_account_answers()
    {
        var (host, _, connection) = await LoggedInAsync();
        await using (host)
        await using (connection)
        {
            var ping = await connection.QueryAsync("w:p", "get", new Node("ping"));
            Assert.Equal("result", ping.GetString("type"));

            var props = await connection.QueryAsync("abt", "get", new Node("props", [("protocol", "1")]));
            Assert.Equal("1", props.GetChild("props").GetString("protocol"));

            var blocklist = await connection.QueryAsync("blocklist", "get");
            Assert.Empty(blocklist.GetChild("list").Children);

            var privacy = await connection.QueryAsync("privacy", "get", new Node("privacy"));
            Assert.Contains(privacy.GetChild("privacy").GetChildren("category"), c => c.GetString("name") == "last");

            var sync = await connection.QueryAsync("w:sync:app:state", "set", new Node("sync", null,
            [
                new Node("collection", [("name", "regular"), ("version", "0"), ("return_snapshot", "true")]),
                new Node("collection", [("name", "critical_block"), ("version", "0"), ("return_snapshot", "true")]),
            ]));
            Assert.Equal(["regular", "critical_block"], sync.GetChild("sync").GetChildren("collection").Select(c => c.GetString("name")));

            var clean = await connection.QueryAsync("urn:xmpp:whatsapp:dirty", "set", new Node("clean", [("type", "account_sync"), ("timestamp", "1700000000")]));
            Assert.Equal("result", clean.GetString("type"));
        }
    }

    [Fact]
    public async Task Trusted_contact_tokens_are_accepted_with_an_empty_result_and_a_malformed_token_gets_400()
    {
        var (host, _, connection) = await LoggedInAsync();
        await using (host)
        await using (connection)
        {
            // Baileys issuePrivacyTokens after messaging a new contact (messages-send.js).
            var issued = await connection.QueryAsync("privacy", "set", new Node("tokens", null,
                [new Node("token", [("jid", "15550000001@s.whatsapp.net"), ("t", "1700000000"), ("type", "trusted_contact")])]));
            Assert.Equal("result", issued.GetString("type"));
            Assert.Equal(NodeContentKind.None, issued.ContentKind);

            var noTime = await connection.QueryAsync("privacy", "set", new Node("tokens", null,
                [new Node("token", [("jid", "15550000001@s.whatsapp.net"), ("type", "trusted_contact")])]));
            Assert.Equal("error", noTime.GetString("type"));
            Assert.Equal("400", noTime.GetChild("error").GetString("code"));

            var ping = await connection.QueryAsync("w:p", "get", new Node("ping"));
            Assert.Equal("result", ping.GetString("type"));
        }
    }

    [Fact]
    public async Task An_unknown_iq_gets_501_and_the_connection_keeps_serving()
    {
        var (host, _, connection) = await LoggedInAsync();
        await using (host)
        await using (connection)
        {
            var unknown = await connection.QueryAsync("w:nothing-here", "get", new Node("something"));
            Assert.Equal("error", unknown.GetString("type"));
            Assert.Equal("501", unknown.GetChild("error").GetString("code"));
            Assert.Equal("feature-not-implemented", unknown.GetChild("error").GetString("text"));

            var ping = await connection.QueryAsync("w:p", "get", new Node("ping"));
            Assert.Equal("result", ping.GetString("type"));
        }
    }
}
