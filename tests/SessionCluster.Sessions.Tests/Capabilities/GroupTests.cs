using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>Group management against the simulator's <c>w:g2</c> (docs/PROTOCOL.md §9): every command, its answer, and the server's refusals as typed replies.</summary>
public sealed class GroupTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    private const string CarolPhone = "15550003333";

    [Fact]
    public async Task A_group_is_created_read_changed_described_shared_and_left_as_the_server_answers()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var carol = await SimulatorPhones.CreateAccountAsync(host, CarolPhone);
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);

        var created = Assert.IsType<GroupReady>(await Ask(session, new CreateGroup(Alice, "Team", [bob.Jid]))).Group;
        Assert.EndsWith("@g.us", created.Jid, StringComparison.Ordinal);
        Assert.Equal(("Team", "lid"), (created.Subject, created.AddressingMode));
        Assert.Equal([GroupRole.SuperAdmin, GroupRole.Member], created.Members.Select(m => m.Role));
        Assert.Equal(bob.Lid, created.Members[1].Jid);
        Assert.Equal(bob.Jid, created.Members[1].PhoneNumber);

        var added = Assert.IsType<GroupParticipantsChanged>(await Ask(session, new ChangeGroupParticipants(Alice, created.Jid, GroupParticipantAction.Add, [carol.Jid])));
        Assert.All(added.Participants, p => Assert.Equal(200, p.Status));
        Assert.IsType<GroupParticipantsChanged>(await Ask(session, new ChangeGroupParticipants(Alice, created.Jid, GroupParticipantAction.Promote, [carol.Jid])));
        Assert.IsType<GroupChanged>(await Ask(session, new SetGroupSubject(Alice, created.Jid, "Team 2")));
        Assert.IsType<GroupChanged>(await Ask(session, new SetGroupDescription(Alice, created.Jid, "first")));
        Assert.IsType<GroupChanged>(await Ask(session, new SetGroupDescription(Alice, created.Jid, "second")));

        var read = Assert.IsType<GroupReady>(await Ask(session, new GetGroup(Alice, created.Jid))).Group;
        Assert.Equal(("Team 2", "second"), (read.Subject, read.Description));
        Assert.Equal(GroupRole.Admin, Assert.Single(read.Members, m => m.PhoneNumber == carol.Jid).Role);

        var demoted = Assert.IsType<GroupParticipantsChanged>(await Ask(session, new ChangeGroupParticipants(Alice, created.Jid, GroupParticipantAction.Demote, [carol.Jid])));
        Assert.All(demoted.Participants, p => Assert.Equal(200, p.Status));
        Assert.IsType<GroupParticipantsChanged>(await Ask(session, new ChangeGroupParticipants(Alice, created.Jid, GroupParticipantAction.Remove, [bob.Jid])));
        Assert.IsType<GroupChanged>(await Ask(session, new SetGroupDescription(Alice, created.Jid, null)));
        read = Assert.IsType<GroupReady>(await Ask(session, new GetGroup(Alice, created.Jid))).Group;
        Assert.DoesNotContain(read.Members, m => m.PhoneNumber == bob.Jid);
        Assert.Equal(GroupRole.Member, Assert.Single(read.Members, m => m.PhoneNumber == carol.Jid).Role);
        Assert.Null(read.Description);

        var invite = Assert.IsType<GroupInvite>(await Ask(session, new GetGroupInvite(Alice, created.Jid)));
        Assert.Equal("https://chat.whatsapp.com/" + invite.Code, invite.Link);
        Assert.Equal(invite.Code, Assert.IsType<GroupInvite>(await Ask(session, new GetGroupInvite(Alice, created.Jid))).Code);
        Assert.NotEqual(invite.Code, Assert.IsType<GroupInvite>(await Ask(session, new GetGroupInvite(Alice, created.Jid, Reset: true))).Code);

        Assert.IsType<GroupChanged>(await Ask(session, new LeaveGroup(Alice, created.Jid)));
        var outsider = Assert.IsType<GroupRefused>(await Ask(session, new GetGroup(Alice, created.Jid)));
        Assert.Equal(GroupRefusal.Forbidden, outsider.Reason);
    }

    [Fact]
    public async Task A_group_another_member_makes_with_the_session_in_it_is_a_durable_group_event()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);

        var group = await SimulatorPhones.CreateGroupAsync(host, "Bob's group", BobPhone, [Phone]);

        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is GroupChangedBody), "the group's create notification as an event");
        var created = events.Select(e => e.Body).OfType<GroupChangedBody>().Single();
        Assert.Equal((group, GroupChange.Created, "Bob's group"), (created.Group, created.Change, created.Subject));
        Assert.Equal(BobPhone + "@s.whatsapp.net", created.By);
        _ = session;
    }

    [Fact]
    public void Membership_subject_and_description_notifications_read_as_their_changes()
    {
        static SessionCluster.Protocol.Binary.Node Notification(SessionCluster.Protocol.Binary.Node change) =>
            new("notification", [("from", "120363000000000001@g.us"), ("type", "w:gp2"), ("participant", "1234@lid"), ("participant_pn", "15550002222@s.whatsapp.net"), ("t", "1700000000")], [change]);
        static SessionCluster.Protocol.Binary.Node Members(string tag) =>
            new(tag, null, [new SessionCluster.Protocol.Binary.Node("participant", [("jid", "5678@lid"), ("phone_number", "15550003333@s.whatsapp.net")])]);

        foreach (var (tag, change) in new[] { ("add", GroupChange.Added), ("remove", GroupChange.Removed), ("leave", GroupChange.Left), ("promote", GroupChange.Promoted), ("demote", GroupChange.Demoted) })
        {
            var read = GroupNotificationReader.Read(Notification(Members(tag)))!;
            Assert.Equal((change, "15550002222@s.whatsapp.net", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)), (read.Change, read.By, read.At));
            Assert.Equal(["15550003333@s.whatsapp.net"], read.Participants);
        }

        Assert.Equal("New", GroupNotificationReader.Read(Notification(new SessionCluster.Protocol.Binary.Node("subject", [("subject", "New")])))!.Subject);
        var described = GroupNotificationReader.Read(Notification(new SessionCluster.Protocol.Binary.Node("description", [("id", "D1")], [new SessionCluster.Protocol.Binary.Node("body", null, System.Text.Encoding.UTF8.GetBytes("About us"))])))!;
        Assert.Equal((GroupChange.Description, "About us"), (described.Change, described.Description));
        Assert.Equal(GroupChange.DescriptionRemoved, GroupNotificationReader.Read(Notification(new SessionCluster.Protocol.Binary.Node("description", [("delete", "true")])))!.Change);
        Assert.Null(GroupNotificationReader.Read(Notification(new SessionCluster.Protocol.Binary.Node("ephemeral", [("expiration", "86400")]))));
        Assert.Null(GroupNotificationReader.Read(new SessionCluster.Protocol.Binary.Node("notification", [("from", "15550002222@s.whatsapp.net"), ("type", "w:gp2")], [Members("add")])));
    }

    [Fact]
    public async Task Bad_input_is_refused_before_asking_and_an_unknown_group_is_not_found()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);

        foreach (var command in new object[]
        {
            new CreateGroup(Alice, "", []),
            new CreateGroup(Alice, new string('x', MaxGroupSubjectLength + 1), []),
            new CreateGroup(Alice, "x", ["not a jid"]),
            new CreateGroup(Alice, "x", ["15550002222:2@s.whatsapp.net"]),
            new GetGroup(Alice, "15550002222@s.whatsapp.net"),
            new ChangeGroupParticipants(Alice, "120363000000000001@g.us", GroupParticipantAction.Add, []),
            new SetGroupDescription(Alice, "120363000000000001@g.us", new string('x', MaxGroupDescriptionLength + 1)),
        })
        {
            Assert.Equal(GroupRefusal.BadRequest, Assert.IsType<GroupRefused>(await Ask(session, command)).Reason);
        }

        var unknown = Assert.IsType<GroupRefused>(await Ask(session, new GetGroup(Alice, "120363000000000001@g.us")));
        Assert.Equal(GroupRefusal.NotFound, unknown.Reason);
    }

    [Fact]
    public async Task An_unlinked_session_is_refused_group_commands()
    {
        await using var host = await Simulators.StartAsync();
        var system = Nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(Nodes, host)));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));

        Assert.Equal(GroupRefusal.NotLinked, Assert.IsType<GroupRefused>(await Ask(session, new CreateGroup(Alice, "x", []))).Reason);
    }

    [Fact]
    public async Task The_group_stanzas_and_answers_are_w_g2_as_Baileys_writes_and_reads_them()
    {
        var group = SessionCluster.Protocol.Binary.Jid.Parse("120363000000000001@g.us");
        var bob = SessionCluster.Protocol.Binary.Jid.Parse("15550002222@s.whatsapp.net");

        var description = GroupQueries.Description("d1", group, "NEW", "OLD", "hello");
        Assert.Equal(("w:g2", "set", group.ToString()), (description.GetOptionalString("xmlns"), description.GetOptionalString("type"), description.GetOptionalString("to")));
        var body = description.GetOptionalChild("description")!;
        Assert.Equal(("NEW", "OLD"), (body.GetOptionalString("id"), body.GetOptionalString("prev")));
        Assert.Equal("hello", System.Text.Encoding.UTF8.GetString(body.GetOptionalChild("body")!.Bytes.Span));
        Assert.Equal("true", GroupQueries.Description("d2", group, "NEW", null, null).GetOptionalChild("description")!.GetOptionalString("delete"));
        Assert.Equal("@g.us", GroupQueries.Leave("l1", group).GetOptionalString("to"));
        Assert.Equal(group.ToString(), GroupQueries.Leave("l1", group).GetOptionalChild("leave")!.GetOptionalChild("group")!.GetOptionalString("id"));

        var result = new SessionCluster.Protocol.Binary.Node("iq", [("type", "result")],
        [
            new SessionCluster.Protocol.Binary.Node("add", null,
            [
                new SessionCluster.Protocol.Binary.Node("participant", [("jid", bob.ToString())]),
                new SessionCluster.Protocol.Binary.Node("participant", [("jid", "15550009999@s.whatsapp.net"), ("error", "403")]),
            ]),
        ]);
        Assert.Equal([new GroupParticipantResult(bob.ToString(), 200), new GroupParticipantResult("15550009999@s.whatsapp.net", 403)],
            GroupQueries.ReadParticipants(result, GroupParticipantAction.Add));
        Assert.Throws<FormatException>(() => GroupQueries.ReadGroup(new SessionCluster.Protocol.Binary.Node("iq", [("type", "result")])));
    }
}
