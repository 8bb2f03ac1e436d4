using System.Net;
using System.Net.Http.Json;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Groups;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests.Groups;

public sealed class GroupTests
{
    private const string A = "15550001111";
    private const string B = "15550002222";
    private const string C = "15550003333";

    [Fact]
    public async Task The_admin_api_creates_a_group_with_the_creator_as_super_admin()
    {
        await using var host = await TestSimulator.StartAsync();
        await Accounts(host, A, B, C);
        using var http = new HttpClient();
        using var response = await http.PostAsync(host.AdminUrl + "/groups", TestSimulator.Json(new { subject = "Team", creator = A, participants = new[] { B, C, B } }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<GroupResponse>();
        Assert.Matches(@"^120363\d{12}@g\.us$", created!.Jid);

        var group = await http.GetFromJsonAsync<GroupResponse>($"{host.AdminUrl}/groups/{created.Jid}");
        Assert.Equal("Team", group!.Subject);
        Assert.Equal(A + "@s.whatsapp.net", group.Creator);
        Assert.Equal([(A, "superadmin"), (B, "member"), (C, "member")], group.Participants.Select(p => (p.Jid.Split('@')[0], p.Role)));
        Assert.True(host.Server.Groups.TryGet(Jid.Parse(created.Jid), out var inDirectory));
        Assert.True(inDirectory.IsParticipant(new Jid(C, JidServer.WhatsApp, 3)));
    }

    [Theory]
    [InlineData("Team", "15559999999", HttpStatusCode.NotFound)]
    [InlineData("", B, HttpStatusCode.BadRequest)]
    [InlineData("Team", "12", HttpStatusCode.BadRequest)]
    public async Task The_admin_api_refuses_unknown_members_and_bad_subjects(string subject, string participant, HttpStatusCode expected)
    {
        await using var host = await TestSimulator.StartAsync();
        await Accounts(host, A, B);
        using var http = new HttpClient();
        using var response = await http.PostAsync(host.AdminUrl + "/groups", TestSimulator.Json(new { subject, creator = A, participants = new[] { participant } }));
        Assert.Equal(expected, response.StatusCode);
        Assert.Empty(host.Server.Groups.All);
    }

    [Fact]
    public async Task A_device_creates_a_group_by_w_g2_and_members_query_its_metadata()
    {
        await using var host = await TestSimulator.StartAsync();
        await Accounts(host, A, B, C);
        var (a, _) = await LoggedInAsync(host, A);
        var (b, _) = await LoggedInAsync(host, B);
        var (c, _) = await LoggedInAsync(host, C);
        await using (a)
        await using (b)
        await using (c)
        {
            var create = await GroupIqAsync(a, "@g.us", "set", new Node("create", [("subject", "Weekend"), ("key", "3EB0AA")], [Participant(B)]));
            Assert.Equal("result", create.GetString("type"));
            var group = create.GetChild("group");
            Assert.Equal("Weekend", group.GetString("subject"));
            // LID addressing mode: members by LID with their phone numbers (Baileys extractGroupMetadata).
            var lidA = host.Server.Accounts.Find(A)!.Lid.ToString();
            var lidB = host.Server.Accounts.Find(B)!.Lid.ToString();
            Assert.Equal((lidA, A + "@s.whatsapp.net"), (group.GetString("creator"), group.GetString("creator_pn")));
            Assert.Equal("lid", group.GetString("addressing_mode"));
            var participants = group.GetChildren("participant").ToArray();
            Assert.Equal([lidA, lidB], participants.Select(p => p.GetString("jid")));
            Assert.Equal([A + "@s.whatsapp.net", B + "@s.whatsapp.net"], participants.Select(p => p.GetString("phone_number")));
            Assert.Equal("superadmin", participants[0].GetString("type"));
            Assert.Null(participants[1].GetOptionalString("type"));
            var jid = group.GetString("id") + "@g.us";

            // B's devices are told (w:gp2 create, queued until acked); the creating device and outsiders are not.
            var toB = Assert.Single(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(B)!, 1));
            Assert.Equal(
                ("notification", "w:gp2", jid, lidA, A + "@s.whatsapp.net"),
                (toB.Tag, toB.GetString("type"), toB.GetString("from"), toB.GetString("participant"), toB.GetString("participant_pn")));
            Assert.Equal(group.GetString("id"), toB.GetChild("create").GetChild("group").GetString("id"));
            Assert.Empty(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(A)!, 1));
            Assert.Empty(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(C)!, 1));

            var query = await GroupIqAsync(b, jid, "get", new Node("query", [("request", "interactive")]));
            Assert.Equal(group.GetString("id"), query.GetChild("group").GetString("id"));
            Assert.Equal(2, query.GetChild("group").GetChildren("participant").Count());

            var outsider = await GroupIqAsync(c, jid, "get", new Node("query", [("request", "interactive")]));
            Assert.Equal("403", outsider.GetChild("error").GetString("code"));
            var unknown = await GroupIqAsync(a, "120363000000000000@g.us", "get", new Node("query", [("request", "interactive")]));
            Assert.Equal("404", unknown.GetChild("error").GetString("code"));

            var participating = await GroupIqAsync(b, "@g.us", "get", new Node("participating", null, [new Node("participants"), new Node("description")]));
            Assert.Single(participating.GetChild("groups").GetChildren("group"));
        }
    }

    [Fact]
    public async Task Admins_add_and_remove_members_others_may_not_and_a_member_can_leave()
    {
        await using var host = await TestSimulator.StartAsync();
        await Accounts(host, A, B, C);
        var group = host.Server.Groups.Create("Club", new Jid(A, JidServer.WhatsApp), [new Jid(B, JidServer.WhatsApp)]);
        var jid = group.Jid.ToString();
        var (a, _) = await LoggedInAsync(host, A);
        var (b, _) = await LoggedInAsync(host, B);
        Assert.Equal(1, await TestLinking.LinkAsync(host, C, new TestDevice()));
        await using (a)
        await using (b)
        {
            var refused = await GroupIqAsync(b, jid, "set", new Node("add", null, [Participant(C)]));
            Assert.Equal("403", refused.GetChild("error").GetString("code"));

            var added = await GroupIqAsync(a, jid, "set", new Node("add", null, [Participant(C)]));
            Assert.Equal((Lid(host, C), C + "@s.whatsapp.net"), (added.GetChild("add").GetChild("participant").GetString("jid"), added.GetChild("add").GetChild("participant").GetString("phone_number")));
            Assert.True(host.Server.Groups.TryGet(group.Jid, out var now) && now.IsParticipant(new Jid(C, JidServer.WhatsApp)));

            var removed = await GroupIqAsync(a, jid, "set", new Node("remove", null, [Participant(C)]));
            Assert.Equal("result", removed.GetString("type"));
            // C's device is told it was added, then removed; B heard both too.
            var toC = host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(C)!, 1).Select(n => n.Children[0].Tag).ToArray();
            Assert.Equal(["add", "remove"], toC);
            Assert.Equal(["add", "remove"], host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(B)!, 1).Select(n => n.Children[0].Tag));
            Assert.True(host.Server.Groups.TryGet(group.Jid, out now) && !now.IsParticipant(new Jid(C, JidServer.WhatsApp)));

            var left = await GroupIqAsync(b, "@g.us", "set", new Node("leave", null, [new Node("group", [("id", group.Jid.User)])]));
            Assert.Equal("result", left.GetString("type"));
            Assert.True(host.Server.Groups.TryGet(group.Jid, out now));
            Assert.Equal([A + "@s.whatsapp.net"], now.Participants.Select(p => p.Jid.ToString()));

            var unknownMember = await GroupIqAsync(a, jid, "set", new Node("add", null, [Participant("15559999999")]));
            Assert.Equal("404", unknownMember.GetChild("error").GetString("code"));
        }
    }

    [Fact]
    public async Task Members_change_the_subject_admins_promote_and_demote_and_members_are_told()
    {
        await using var host = await TestSimulator.StartAsync();
        await Accounts(host, A, B, C);
        var group = host.Server.Groups.Create("Old", new Jid(A, JidServer.WhatsApp), [new Jid(B, JidServer.WhatsApp), new Jid(C, JidServer.WhatsApp)]);
        var jid = group.Jid.ToString();
        var (a, _) = await LoggedInAsync(host, A);
        var (b, _) = await LoggedInAsync(host, B);
        await using (a)
        await using (b)
        {
            var subject = await GroupIqAsync(b, jid, "set", new Node("subject", null, System.Text.Encoding.UTF8.GetBytes("New ✓")));
            Assert.Equal("result", subject.GetString("type"));
            var metadata = (await GroupIqAsync(a, jid, "get", new Node("query", [("request", "interactive")]))).GetChild("group");
            Assert.Equal(("New ✓", host.Server.Accounts.Find(B)!.Lid.ToString(), B + "@s.whatsapp.net"), (metadata.GetString("subject"), metadata.GetString("s_o"), metadata.GetString("s_o_pn")));
            var told = Assert.Single(host.Server.DeviceQueues.Queued(host.Server.Accounts.Find(A)!, 1), n => n.Tag == "notification" && n.GetOptionalString("type") == "w:gp2");
            Assert.Equal(("New ✓", Lid(host, B), B + "@s.whatsapp.net"), (told.GetChild("subject").GetString("subject"), told.GetChild("subject").GetString("s_o"), told.GetChild("subject").GetString("s_o_pn")));

            Assert.Equal("403", (await GroupIqAsync(b, jid, "set", new Node("promote", null, [Participant(C)]))).GetChild("error").GetString("code"));
            var promoted = await GroupIqAsync(a, jid, "set", new Node("promote", null, [Participant(B)]));
            Assert.Equal(Lid(host, B), promoted.GetChild("promote").GetChild("participant").GetString("jid"));
            Assert.True(host.Server.Groups.TryGet(group.Jid, out var now));
            Assert.Equal(GroupRole.Admin, now.Participants.Single(p => p.Jid.User == B).Role);

            // B is an admin now: it may demote C (a no-op for a member) but not take A's super admin role.
            Assert.Equal("result", (await GroupIqAsync(b, jid, "set", new Node("demote", null, [Participant(A), Participant(C)]))).GetString("type"));
            Assert.True(host.Server.Groups.TryGet(group.Jid, out now));
            Assert.Equal([GroupRole.SuperAdmin, GroupRole.Admin, GroupRole.Member], now.Participants.Select(p => p.Role));
            Assert.Equal("404", (await GroupIqAsync(a, jid, "set", new Node("promote", null, [Participant("15559999999")]))).GetChild("error").GetString("code"));
            Assert.Equal("400", (await GroupIqAsync(a, jid, "set", new Node("subject", null, ""u8.ToArray()))).GetChild("error").GetString("code"));
        }
    }

    private static Node Participant(string phone) => new("participant", [("jid", phone + "@s.whatsapp.net")]);

    private static async Task<Node> GroupIqAsync(TestConnection connection, string to, string type, Node child)
    {
        var id = connection.NextId();
        await connection.SendAsync(new Node("iq", [("id", id), ("xmlns", "w:g2"), ("type", type), ("to", to)], [child]));
        return await connection.ReceiveUntilAsync(n => n.Tag == "iq" && n.GetOptionalString("id") == id);
    }

    private static async Task Accounts(SimulatorHost host, params string[] phones)
    {
        foreach (var phone in phones)
        {
            await TestSimulator.CreateAccountAsync(host, phone);
        }
    }

    private static async Task<(TestConnection Connection, int Device)> LoggedInAsync(SimulatorHost host, string phone)
    {
        var device = new TestDevice();
        var id = await TestLinking.LinkAsync(host, phone, device);
        var (connection, _) = await TestLinking.LoginAsync(host, phone, id, device);
        return (connection, id);
    }

    private static string Lid(SimulatorHost host, string phone) => host.Server.Accounts.Find(phone)!.Lid.ToString();
}
