using System.Net.Http.Json;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>A contact's presence, once subscribed, and chat states become events (docs/PROTOCOL.md §13); the stanzas are read strictly.</summary>
public sealed class PresenceEventsTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    [Fact]
    public async Task A_subscribed_contacts_presence_is_an_event_now_and_on_change()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);

        Assert.IsType<PresenceSent>(await Ask(session, new SubscribePresence(Alice, bob.Jid)));

        // Now: Bob's account never set a presence, so it is unavailable with no last seen.
        await SessionLog.WaitForAsync(system, Alice, e => Presences(e).Count == 1, "Bob's presence now");
        // On change: Bob's phone goes online, then offline.
        await SetPhonePresenceAsync(host, BobPhone, "available");
        await SessionLog.WaitForAsync(system, Alice, e => Presences(e).Count == 2, "Bob online");
        await SetPhonePresenceAsync(host, BobPhone, "unavailable");
        var events = await SessionLog.WaitForAsync(system, Alice, e => Presences(e).Count == 3, "Bob offline");

        var presences = Presences(events);
        Assert.All(presences, p => Assert.Equal(bob.Jid, p.Jid));
        Assert.Equal([false, true, false], presences.Select(p => p.Available));
        Assert.Null(presences[0].LastSeen);
        Assert.Null(presences[1].LastSeen);
        Assert.InRange(presences[2].LastSeen!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        var refused = Assert.IsType<SendRefused>(await Ask(session, new SubscribePresence(Alice, "120363000000000001@g.us")));
        Assert.Equal(SendRefusal.BadRecipient, refused.Reason);
    }

    private static List<PresenceUpdateBody> Presences(IEnumerable<SessionEvent> events) => [.. events.Select(e => e.Body).OfType<PresenceUpdateBody>()];

    /// <summary>The simulator's phone of <paramref name="phone"/> goes online or offline (<c>POST /admin/accounts/{phone}/presence</c>).</summary>
    private static async Task SetPhonePresenceAsync(SessionCluster.Simulator.SimulatorHost host, string phone, string type)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync($"{host.AdminUrl}/accounts/{phone}/presence", new { type });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Presence_and_chat_state_stanzas_read_as_their_events()
    {
        static SessionCluster.Protocol.Binary.Node Presence(params SessionCluster.Protocol.Binary.NodeAttribute[] attributes) => new("presence", attributes);
        static SessionCluster.Protocol.Binary.Node ChatState(string from, SessionCluster.Protocol.Binary.Node state, string? participant = null) =>
            new("chatstate", participant is null ? [("from", from)] : [("from", from), ("participant", participant)], [state]);

        Assert.Equal(new PresenceUpdateBody("15550002222@s.whatsapp.net", true, null), SessionCluster.Sessions.Flows.Presence.ReadPresence(Presence(("from", "15550002222@s.whatsapp.net"))));
        Assert.Equal(new PresenceUpdateBody("15550002222@s.whatsapp.net", false, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)),
            SessionCluster.Sessions.Flows.Presence.ReadPresence(Presence(("from", "15550002222@s.whatsapp.net"), ("type", "unavailable"), ("last", "1700000000"))));
        Assert.Equal(new PresenceUpdateBody("15550002222@s.whatsapp.net", false, null),
            SessionCluster.Sessions.Flows.Presence.ReadPresence(Presence(("from", "15550002222@s.whatsapp.net"), ("type", "unavailable"), ("last", "deny"))));
        Assert.Null(SessionCluster.Sessions.Flows.Presence.ReadPresence(Presence(("from", "120363000000000001@g.us"))));

        Assert.Equal(new ChatStateBody("15550002222@s.whatsapp.net", "15550002222@s.whatsapp.net", PresenceState.Composing),
            SessionCluster.Sessions.Flows.Presence.ReadChatState(ChatState("15550002222@s.whatsapp.net", new SessionCluster.Protocol.Binary.Node("composing"))));
        Assert.Equal(PresenceState.Recording,
            SessionCluster.Sessions.Flows.Presence.ReadChatState(ChatState("15550002222@s.whatsapp.net", new SessionCluster.Protocol.Binary.Node("composing", [("media", "audio")])))!.State);
        Assert.Equal(new ChatStateBody("120363000000000001@g.us", "1234@lid", PresenceState.Paused),
            SessionCluster.Sessions.Flows.Presence.ReadChatState(ChatState("120363000000000001@g.us", new SessionCluster.Protocol.Binary.Node("paused"), "1234@lid")));
        Assert.Null(SessionCluster.Sessions.Flows.Presence.ReadChatState(ChatState("15550002222@s.whatsapp.net", new SessionCluster.Protocol.Binary.Node("dancing"))));
    }
}
