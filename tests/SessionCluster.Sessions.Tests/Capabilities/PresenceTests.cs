using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>Presence and chat states from a linked session, seen by the simulator (the account's presence) and by the peer's phone.</summary>
public sealed class PresenceTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    [Fact]
    public async Task Account_presence_reaches_the_server_and_composing_recording_and_paused_reach_the_peers_phone()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        // markOnline (the options' onlineOnConnect) made her available at login.
        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.PresenceAsync(host, Phone), p => p.Type == "available", "available at login");

        Assert.Equal(new PresenceSent(Alice, PresenceState.Unavailable), await Ask(session, new SendPresence(Alice, PresenceState.Unavailable)));
        var offline = await SimulatorPhones.WaitForAsync(() => SimulatorPhones.PresenceAsync(host, Phone), p => p.Type == "unavailable", "unavailable");
        Assert.NotNull(offline.Last);
        Assert.Equal(new PresenceSent(Alice, PresenceState.Available), await Ask(session, new SendPresence(Alice, PresenceState.Available)));
        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.PresenceAsync(host, Phone), p => p.Type == "available", "available again");

        foreach (var state in new[] { PresenceState.Composing, PresenceState.Recording, PresenceState.Paused })
        {
            Assert.Equal(new PresenceSent(Alice, state), await Ask(session, new SendPresence(Alice, state, bob.Jid)));
        }

        var shown = await SimulatorPhones.WaitForAsync(() => SimulatorPhones.ChatstatesAsync(host, BobPhone), c => c.Length == 3, "three chat states at Bob's phone");
        Assert.Equal([("composing", null), ("composing", "audio"), ("paused", null)], shown.Select(c => (c.State, c.Media)));
        Assert.All(shown, c => Assert.Equal(Phone + "@s.whatsapp.net", c.From));
    }

    [Fact]
    public async Task A_chat_state_without_a_user_or_group_chat_and_account_presence_with_a_chat_are_refused_BadRecipient()
    {
        await using var host = await Simulators.StartAsync();
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);

        foreach (var command in new[]
        {
            new SendPresence(Alice, PresenceState.Composing),
            new SendPresence(Alice, PresenceState.Recording, "not a jid"),
            new SendPresence(Alice, PresenceState.Paused, "15550002222:2@s.whatsapp.net"),
            new SendPresence(Alice, PresenceState.Available, "15550002222@s.whatsapp.net"),
        })
        {
            Assert.Equal(SendRefusal.BadRecipient, Assert.IsType<SendRefused>(await Ask(session, command)).Reason);
        }
    }

    [Fact]
    public async Task Turning_markOnline_off_while_connected_sends_unavailable_and_on_again_available()
    {
        await using var host = await Simulators.StartAsync();
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.PresenceAsync(host, Phone), p => p.Type == "available", "available at login");

        Assert.IsType<SettingsUpdated>(await Ask(session, new UpdateSettings(Alice, new SessionSettingsPatch { MarkOnline = false })));
        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.PresenceAsync(host, Phone), p => p.Type == "unavailable", "unavailable");
        Assert.IsType<SettingsUpdated>(await Ask(session, new UpdateSettings(Alice, new SessionSettingsPatch { MarkOnline = true })));
        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.PresenceAsync(host, Phone), p => p.Type == "available", "available again");
    }
}
