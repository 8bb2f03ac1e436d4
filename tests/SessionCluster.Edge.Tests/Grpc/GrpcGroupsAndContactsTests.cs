using System.Net.Http.Json;
using Grpc.Core;
using SessionCluster.Edge.Grpc.V1;
using SessionCluster.Edge.Tests.Linking;

namespace SessionCluster.Edge.Tests.Grpc;

/// <summary>
/// <c>sessioncluster.v1.Groups</c> and <c>sessioncluster.v1.Contacts</c> against the simulator, through the same calls
/// as REST: a group created, changed, shared and left; numbers checked, a picture found and a missing one refused, a
/// presence subscription answered by a <c>presence.update</c> event; bad requests as INVALID_ARGUMENT with REST's codes.
/// </summary>
[Collection(GrpcNodeCollection.Name)]
public sealed class GrpcGroupsAndContactsTests(EdgeNode node)
{

    [Fact]
    public async Task A_group_is_created_changed_shared_and_left_over_grpc()
    {
        using var grpc = new GrpcCaller(node);
        const string Session = "g-groups", Bob = "15550032002", Carol = "15550032003";
        await LinkedAsync(Session, "15550032001", Bob, Carol);

        var group = await grpc.Groups.CreateAsync(new CreateGroupRequest { Session = Session, Subject = "Desk", Participants = { "+" + Bob, Carol + "@s.whatsapp.net" } },
            deadline: GrpcCaller.Deadline);
        Assert.EndsWith("@g.us", group.Jid, StringComparison.Ordinal);
        Assert.Equal(("Desk", 3), (group.Subject, group.Participants.Count));
        Assert.Equal(["superadmin", "member", "member"], group.Participants.Select(p => p.Role));

        var updated = await grpc.Groups.UpdateAsync(new UpdateGroupRequest { Session = Session, Jid = group.Jid, Subject = "Help desk", Description = "Ask" }, deadline: GrpcCaller.Deadline);
        Assert.Equal(("Help desk", "Ask"), (updated.Subject, updated.Description));
        var cleared = await grpc.Groups.UpdateAsync(new UpdateGroupRequest { Session = Session, Jid = group.Jid, Description = "" }, deadline: GrpcCaller.Deadline);
        Assert.Equal(("Help desk", false), (cleared.Subject, cleared.HasDescription));

        var promoted = await grpc.Groups.ChangeParticipantsAsync(
            new ChangeParticipantsRequest { Session = Session, Jid = group.Jid, Action = "promote", Participants = { Carol } }, deadline: GrpcCaller.Deadline);
        Assert.All(promoted.Participants, p => Assert.Equal(200, p.Status));
        await grpc.Groups.ChangeParticipantsAsync(new ChangeParticipantsRequest { Session = Session, Jid = group.Jid, Action = "remove", Participants = { Bob } }, deadline: GrpcCaller.Deadline);
        var read = await grpc.Groups.GetAsync(new GetGroupRequest { Session = Session, Jid = group.Jid }, deadline: GrpcCaller.Deadline);
        Assert.Equal(2, read.Participants.Count);
        Assert.Equal("admin", read.Participants.Single(p => p.Phone == Carol + "@s.whatsapp.net" || p.Jid == Carol + "@s.whatsapp.net").Role);
        var demoted = await grpc.Groups.ChangeParticipantsAsync(
            new ChangeParticipantsRequest { Session = Session, Jid = group.Jid, Action = "demote", Participants = { Carol } }, deadline: GrpcCaller.Deadline);
        Assert.All(demoted.Participants, p => Assert.Equal(200, p.Status));
        read = await grpc.Groups.GetAsync(new GetGroupRequest { Session = Session, Jid = group.Jid }, deadline: GrpcCaller.Deadline);
        Assert.Equal("member", read.Participants.Single(p => p.Phone == Carol + "@s.whatsapp.net" || p.Jid == Carol + "@s.whatsapp.net").Role);

        var invite = await grpc.Groups.GetInviteAsync(new GetInviteRequest { Session = Session, Jid = group.Jid }, deadline: GrpcCaller.Deadline);
        Assert.Equal("https://chat.whatsapp.com/" + invite.Code, invite.Link);
        var reset = await grpc.Groups.GetInviteAsync(new GetInviteRequest { Session = Session, Jid = group.Jid, Reset = true }, deadline: GrpcCaller.Deadline);
        Assert.NotEqual(invite.Code, reset.Code);

        await grpc.Groups.LeaveAsync(new LeaveGroupRequest { Session = Session, Jid = group.Jid }, deadline: GrpcCaller.Deadline);
        await GrpcErrors.AssertAsync(() => grpc.Groups.GetAsync(new GetGroupRequest { Session = Session, Jid = group.Jid }).ResponseAsync, StatusCode.PermissionDenied, "group_forbidden");

        await GrpcErrors.AssertAsync(() => grpc.Groups.CreateAsync(new CreateGroupRequest { Session = Session, Subject = "x", Participants = { "not a number" } }).ResponseAsync,
            StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.Groups.ChangeParticipantsAsync(new ChangeParticipantsRequest { Session = Session, Jid = group.Jid, Action = "kick", Participants = { Bob } }).ResponseAsync,
            StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.Groups.UpdateAsync(new UpdateGroupRequest { Session = Session, Jid = group.Jid }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.Groups.GetAsync(new GetGroupRequest { Session = "g-nobody", Jid = group.Jid }).ResponseAsync, StatusCode.NotFound, "session_not_found");
    }

    [Fact]
    public async Task Numbers_pictures_and_presence_over_grpc()
    {
        using var grpc = new GrpcCaller(node);
        const string Session = "g-contacts", Bob = "15550032005", Carol = "15550032006";
        await LinkedAsync(Session, "15550032004", Bob, Carol);

        var checkedContacts = await grpc.Contacts.CheckAsync(new CheckContactsRequest { Session = Session, Phones = { "+" + Bob, "15559999999" } }, deadline: GrpcCaller.Deadline);
        Assert.Equal([("+" + Bob, true), ("15559999999", false)], checkedContacts.Contacts.Select(c => (c.Phone, c.OnWhatsapp)));
        Assert.Equal(Bob + "@s.whatsapp.net", checkedContacts.Contacts[0].Jid);
        await GrpcErrors.AssertAsync(() => grpc.Contacts.CheckAsync(new CheckContactsRequest { Session = Session }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");

        await GrpcErrors.AssertAsync(() => grpc.Contacts.GetProfilePictureAsync(new GetProfilePictureRequest { Session = Session, Jid = Carol }).ResponseAsync,
            StatusCode.NotFound, "picture_not_found");
        using (var admin = new HttpClient())
        using (var set = await admin.PutAsJsonAsync($"{node.Simulator.AdminUrl}/accounts/{Carol}/picture", new { url = "https://pps.example.net/v/t61/carol.jpg" }))
        {
            set.EnsureSuccessStatusCode();
        }

        var picture = await grpc.Contacts.GetProfilePictureAsync(new GetProfilePictureRequest { Session = Session, Jid = "+" + Carol }, deadline: GrpcCaller.Deadline);
        Assert.Equal("https://pps.example.net/v/t61/carol.jpg", picture.Url);
        await GrpcErrors.AssertAsync(() => grpc.Contacts.GetProfilePictureAsync(new GetProfilePictureRequest { Session = Session, Jid = "nobody" }).ResponseAsync,
            StatusCode.InvalidArgument, "invalid_request");

        await grpc.Contacts.SubscribePresenceAsync(new SubscribePresenceRequest { Session = Session, Jid = Bob }, deadline: GrpcCaller.Deadline);
        await Eventually.WaitForAsync(() => node.EventsAsync(Session),
            events => events.Any(e => e.GetProperty("type").GetString() == "presence.update" && e.GetProperty("payload").GetProperty("jid").GetString() == Bob + "@s.whatsapp.net"),
            "a presence.update for Bob after the subscription");
        await GrpcErrors.AssertAsync(() => grpc.Contacts.SubscribePresenceAsync(new SubscribePresenceRequest { Session = Session, Jid = "120363000000000001@g.us" }).ResponseAsync,
            StatusCode.InvalidArgument, "invalid_request");
    }

    /// <summary>A session of its own for each test, linked by QR with the simulator's phone, and the members it needs.</summary>
    private async Task LinkedAsync(string session, string owner, params string[] members)
    {
        foreach (var member in members)
        {
            await SimulatorPhones.CreateAccountAsync(node.Simulator, member);
        }

        await QrLinking.LinkAsync(node, session, owner);
    }
}
