using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using SessionCluster.Edge.Grpc.V1;
using SessionCluster.Edge.Tests.Linking;

namespace SessionCluster.Edge.Tests.Grpc;

/// <summary>
/// <c>sessioncluster.v1.Groups</c>, <c>Contacts</c>, <c>Chats</c> and <c>Sessions.SendPresence</c> against the simulator,
/// through the same calls as REST: a group created, changed, shared and left; numbers checked, a picture found and a
/// missing one refused, a presence subscription answered by a <c>presence.update</c> event; our presence and typing
/// seen by the server and the contact's phone, read receipts on the sender's phone, chat settings written as app-state
/// patches the account's phone verifies and as the session's own <c>chat.*</c> events; bad requests as
/// INVALID_ARGUMENT with REST's codes.
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
    public async Task Numbers_pictures_presence_chat_states_read_receipts_and_chat_settings_over_grpc()
    {
        using var grpc = new GrpcCaller(node);
        const string Session = "g-contacts", Owner = "15550032004", Bob = "15550032005", Carol = "15550032006";
        await LinkedAsync(Session, Owner, Bob, Carol);

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

        // Our presence (linked sessions start available) as the server keeps it, and typing as Bob's phone sees it.
        using var simulator = new HttpClient { Timeout = EdgeNode.Deadline };
        await grpc.Sessions.SendPresenceAsync(new SendPresenceRequest { Session = Session, State = "unavailable" }, deadline: GrpcCaller.Deadline);
        await Eventually.WaitForAsync(async () => (await simulator.GetFromJsonAsync<JsonElement>($"{node.Simulator.AdminUrl}/accounts/{Owner}/presence")).GetProperty("type").GetString(),
            type => type == "unavailable", "the server to keep the account unavailable");
        await grpc.Chats.SendChatStateAsync(new SendChatStateRequest { Session = Session, Chat = "+" + Bob, State = "recording" }, deadline: GrpcCaller.Deadline);
        await Eventually.WaitForAsync(async () => (await simulator.GetFromJsonAsync<JsonElement>($"{node.Simulator.AdminUrl}/accounts/{Bob}/chatstates")).EnumerateArray().ToList(),
            // Recording is WhatsApp's <composing media="audio"/>.
            states => states.Any(s => (s.GetProperty("state").GetString(), s.GetProperty("media").GetString()) == ("composing", "audio") && s.GetProperty("from").GetString()!.StartsWith(Owner, StringComparison.Ordinal)),
            "Bob's phone to see the session recording");
        await GrpcErrors.AssertAsync(() => grpc.Sessions.SendPresenceAsync(new SendPresenceRequest { Session = Session, State = "composing" }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.Chats.SendChatStateAsync(new SendChatStateRequest { Session = Session, Chat = "120363000000000001@g.us", State = "paused" }).ResponseAsync,
            StatusCode.InvalidArgument, "invalid_request");

        var chat = Bob + "@s.whatsapp.net";
        // Chat settings: each one app-state patch, which the account's phone reads and verifies (the phone shares the
        // key after linking; until the session holds it, a setting is FAILED_PRECONDITION app_state_key_missing).
        var archived = await Eventually.WaitForAsync(() => ArchiveUnlessKeyMissingAsync(grpc, Session, chat), a => a is not null, "the session to hold the app-state key");
        Assert.Equal((chat, "regular_low"), (archived!.Chat, archived.Collection));
        foreach (var change in new Func<ChatRequest, AsyncUnaryCall<ChatSettingChanged>>[]
                 {
                     r => grpc.Chats.PinAsync(r, deadline: GrpcCaller.Deadline), r => grpc.Chats.MuteAsync(r, deadline: GrpcCaller.Deadline),
                     r => grpc.Chats.MarkUnreadAsync(r, deadline: GrpcCaller.Deadline), r => grpc.Chats.UnarchiveAsync(r, deadline: GrpcCaller.Deadline),
                     r => grpc.Chats.UnpinAsync(r, deadline: GrpcCaller.Deadline), r => grpc.Chats.UnmuteAsync(r, deadline: GrpcCaller.Deadline),
                 })
        {
            Assert.Equal(chat, (await change(new ChatRequest { Session = Session, Chat = chat })).Chat);
        }

        var low = await simulator.GetFromJsonAsync<JsonElement>($"{node.Simulator.AdminUrl}/accounts/{Owner}/app-state/regular_low");
        var high = await simulator.GetFromJsonAsync<JsonElement>($"{node.Simulator.AdminUrl}/accounts/{Owner}/app-state/regular_high");
        Assert.Equal(["archive", "pin_v1", "markChatAsRead", "archive", "pin_v1"], Writes(low, chat));
        Assert.Equal(["mute", "mute"], Writes(high, chat));
        var settings = await grpc.ReadUntilAsync(new SubscribeRequest { Sessions = { Session }, Types_ = { "chat.archived", "chat.unarchived", "chat.pinned", "chat.unpinned", "chat.muted", "chat.unmuted", "chat.unread" } },
            read => read.Count >= 7, "the session's seven chat events");
        Assert.Equal(["chat.archived", "chat.pinned", "chat.muted", "chat.unread", "chat.unarchived", "chat.unpinned", "chat.unmuted"], settings.Select(e => e.Type));
        Assert.All(settings, e => Assert.True(JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty("bySession").GetBoolean()));
        await GrpcErrors.AssertAsync(() => grpc.Chats.PinAsync(new ChatRequest { Session = Session, Chat = "not-a-jid" }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.Chats.MuteAsync(new ChatRequest { Session = "g-nobody", Chat = chat }).ResponseAsync, StatusCode.NotFound, "session_not_found");

        // Read receipts: for every unread message of the chat in the store, then for the one named; each shows read on Bob's phone.
        var first = await PhoneSendsAsync(simulator, Bob, Owner, "read me");
        await Eventually.WaitForAsync(async () => await node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats"),
            page => page.GetProperty("chats").EnumerateArray().Any(c => c.GetProperty("lastMessage").GetProperty("id").GetString() == first), "the store to take Bob's text");
        var whole = await grpc.Chats.MarkReadAsync(new MarkReadRequest { Session = Session, Chat = chat }, deadline: GrpcCaller.Deadline);
        Assert.Equal((chat, 1), (whole.Chat, whole.Marked));
        // Marking the whole chat read also marks it read in app state, for the phone's chat list.
        Assert.True(whole.Synced);
        var marked = await simulator.GetFromJsonAsync<JsonElement>($"{node.Simulator.AdminUrl}/accounts/{Owner}/app-state/regular_low");
        Assert.Equal("markChatAsRead", Writes(marked, chat)[^1]);
        var second = await PhoneSendsAsync(simulator, Bob, Owner, "and me");
        await Eventually.WaitForAsync(() => node.EventsAsync(Session), e => e.Any(x => x.GetProperty("type").GetString() == "message.received" && x.GetProperty("payload").GetProperty("id").GetString() == second),
            "the session to receive Bob's second text");
        var named = await grpc.Chats.MarkReadAsync(new MarkReadRequest { Session = Session, Chat = Bob, MessageIds = { second } }, deadline: GrpcCaller.Deadline);
        Assert.Equal(1, named.Marked);
        await Eventually.WaitForAsync(async () => (await simulator.GetFromJsonAsync<JsonElement>($"{node.Simulator.AdminUrl}/accounts/{Bob}/receipts")).EnumerateArray().ToList(),
            receipts => new[] { first, second }.All(id => receipts.Any(r => r.GetProperty("id").GetString() == id && r.GetProperty("type").GetString() == "read")),
            "Bob's phone to get read receipts for both texts");
        await GrpcErrors.AssertAsync(() => grpc.Chats.MarkReadAsync(new MarkReadRequest { Session = Session, Chat = Carol + "@s.whatsapp.net" }).ResponseAsync, StatusCode.NotFound, "chat_not_found");
    }

    /// <summary>The index names of the verified mutations the phone read for <paramref name="chat"/>, in order.</summary>
    private static List<string?> Writes(JsonElement view, string chat) =>
        [.. view.GetProperty("log").EnumerateArray()
            .Where(m => m.GetProperty("refused").ValueKind == JsonValueKind.Null && m.GetProperty("index").EnumerateArray().Any(i => i.GetString() == chat))
            .Select(m => m.GetProperty("index")[0].GetString())];

    private static async Task<ChatSettingChanged?> ArchiveUnlessKeyMissingAsync(GrpcCaller grpc, string session, string chat)
    {
        try
        {
            return await grpc.Chats.ArchiveAsync(new ChatRequest { Session = session, Chat = chat }, deadline: GrpcCaller.Deadline);
        }
        catch (RpcException e) when (e.Trailers.GetValue("problem-code") == "app_state_key_missing")
        {
            Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
            return null;
        }
    }

    /// <summary>The simulator's phone of <paramref name="from"/> sends a text to <paramref name="to"/>'s account; its message id.</summary>
    private async Task<string> PhoneSendsAsync(HttpClient admin, string from, string to, string text)
    {
        using var sent = await admin.PostAsJsonAsync($"{node.Simulator.AdminUrl}/accounts/{from}/messages", new { to = to + "@s.whatsapp.net", text });
        Assert.True(sent.StatusCode == System.Net.HttpStatusCode.Created, await sent.Content.ReadAsStringAsync());
        return (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
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
