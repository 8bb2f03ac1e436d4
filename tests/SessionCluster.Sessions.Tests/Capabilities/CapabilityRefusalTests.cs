using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>
/// The edge's commands (presence, contact check, settings, restart) on sessions that cannot take them: never created,
/// deleted, logged out, not linked, and bad input. Each is a typed answer, and a refusal writes nothing.
/// </summary>
public sealed class CapabilityRefusalTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    [Fact]
    public async Task Every_new_command_on_a_session_never_created_answers_NotFound_and_writes_nothing()
    {
        var system = Nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Nodes.Dependencies()));

        Assert.Equal(new NotFound(Alice), await Ask(session, new SendPresence(Alice, PresenceState.Available)));
        Assert.Equal(new NotFound(Alice), await Ask(session, new CheckContacts(Alice, ["+15550002222"])));
        Assert.Equal(new NotFound(Alice), await Ask(session, new UpdateSettings(Alice, new SessionSettingsPatch { ReadReceipts = true })));
        Assert.Equal(new NotFound(Alice), await Ask(session, new Restart(Alice)));
        Assert.Empty(await SessionLog.StoredAsync(system, Alice));
    }

    [Fact]
    public async Task On_a_session_not_linked_presence_and_contact_checks_are_NotLinked_and_restart_is_refused_NotLinked()
    {
        var system = Nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Nodes.Dependencies()));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        var before = (await SessionLog.StoredAsync(system, Alice)).Count;

        Assert.Equal(SendRefusal.NotLinked, Assert.IsType<SendRefused>(await Ask(session, new SendPresence(Alice, PresenceState.Available))).Reason);
        Assert.Equal(ContactsRefusal.NotLinked, Assert.IsType<ContactsRefused>(await Ask(session, new CheckContacts(Alice, ["+15550002222"]))).Reason);
        Assert.Equal(new ConnectRefused(Alice, ConnectRefusal.NotLinked), await Ask(session, new Restart(Alice)));
        Assert.Equal(before, (await SessionLog.StoredAsync(system, Alice)).Count);
    }

    [Fact]
    public async Task On_a_deleted_session_presence_and_contact_checks_are_Ended_settings_answer_Deleted_and_restart_is_refused_Deleted()
    {
        var system = Nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Nodes.Dependencies()));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        Assert.IsType<Deleted>(await Ask(session, new Delete(Alice)));
        var before = (await SessionLog.StoredAsync(system, Alice)).Count;

        Assert.Equal(SendRefusal.Ended, Assert.IsType<SendRefused>(await Ask(session, new SendPresence(Alice, PresenceState.Composing, "15550002222@s.whatsapp.net"))).Reason);
        Assert.Equal(ContactsRefusal.Ended, Assert.IsType<ContactsRefused>(await Ask(session, new CheckContacts(Alice, ["+15550002222"]))).Reason);
        Assert.Equal(new Deleted(Alice), await Ask(session, new UpdateSettings(Alice, new SessionSettingsPatch { RejectCalls = true })));
        Assert.Equal(new ConnectRefused(Alice, ConnectRefusal.Deleted), await Ask(session, new Restart(Alice)));
        Assert.Equal(before, (await SessionLog.StoredAsync(system, Alice)).Count);
    }

    [Fact]
    public async Task On_a_logged_out_session_presence_and_contact_checks_are_Ended_restart_is_NotLinked_and_settings_still_change()
    {
        await using var host = await Simulators.StartAsync();
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        Assert.Equal(new LoggedOut(Alice, KeysWiped: true), await Ask(session, new Logout(Alice)));
        var before = (await SessionLog.StoredAsync(system, Alice)).Count;

        Assert.Equal(SendRefusal.Ended, Assert.IsType<SendRefused>(await Ask(session, new SendPresence(Alice, PresenceState.Available))).Reason);
        Assert.Equal(ContactsRefusal.Ended, Assert.IsType<ContactsRefused>(await Ask(session, new CheckContacts(Alice, ["+15550002222"]))).Reason);
        Assert.Equal(new ConnectRefused(Alice, ConnectRefusal.NotLinked), await Ask(session, new Restart(Alice)));
        Assert.Equal(before, (await SessionLog.StoredAsync(system, Alice)).Count);
        // Settings belong to the session, not to the link: they hold for the next one.
        Assert.True(Assert.IsType<SettingsUpdated>(await Ask(session, new UpdateSettings(Alice, new SessionSettingsPatch { RejectCalls = true }))).Settings.RejectCalls);
    }

    [Fact]
    public async Task A_contact_check_of_no_numbers_more_than_50_or_a_malformed_one_is_refused_BadPhones_before_anything_else()
    {
        var system = Nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Nodes.Dependencies()));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));

        IReadOnlyList<string>[] bad =
        [
            [],
            [.. Enumerable.Range(0, CheckContacts.MaxPhones + 1).Select(i => $"+1555{i:0000000}")],
            ["+15550002222", "call me"],
            ["+0123456789"],
            ["+123"],
        ];
        foreach (var phones in bad)
        {
            var refused = Assert.IsType<ContactsRefused>(await Ask(session, new CheckContacts(Alice, phones)));
            Assert.Equal(ContactsRefusal.BadPhones, refused.Reason);
        }

        // Fifty is allowed: the refusal is then about the session (not linked), not the numbers.
        var fifty = Enumerable.Range(0, CheckContacts.MaxPhones).Select(i => $"+1555{i:0000000}").ToList();
        Assert.Equal(ContactsRefusal.NotLinked, Assert.IsType<ContactsRefused>(await Ask(session, new CheckContacts(Alice, fifty))).Reason);
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(-1, 5)]
    [InlineData(50.5, 5)]
    [InlineData(1, 0)]
    [InlineData(1, 101)]
    [InlineData(double.NaN, 5)]
    public async Task A_send_rate_outside_its_bounds_is_refused_and_the_settings_stay_as_they_were(double perSecond, int burst)
    {
        var system = Nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Nodes.Dependencies()));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        var before = (await SessionLog.StoredAsync(system, Alice)).Count;

        var refused = Assert.IsType<SettingsRefused>(await Ask(session, new UpdateSettings(Alice, new SessionSettingsPatch { ReadReceipts = true, SendRate = new SendRate(perSecond, burst) })));

        Assert.Contains("sendRate", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(before, (await SessionLog.StoredAsync(system, Alice)).Count);
        var settings = Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status.Settings!;
        Assert.False(settings.ReadReceipts);
        Assert.Null(settings.SendRate);
    }
}
