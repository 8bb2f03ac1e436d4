using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>The settings as stored: defaults, a patch, the event, recovery. What each setting does is in the live tests beside this.</summary>
public sealed class SettingsTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    [Fact]
    public async Task A_new_session_has_the_defaults_with_markOnline_from_its_options()
    {
        var system = Nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Nodes.Dependencies()));

        var created = Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));

        var defaults = new SessionSettings(MarkOnline: true, ReadReceipts: false, RejectCalls: false, IgnoreSettings.None, SendRate: null);
        Assert.Equal(defaults, created.Status.Settings);
        // A log without a settings event (every session older than settings) recovers with the same defaults.
        await SessionNodes.StopAsync(system);
        var again = Nodes.Start();
        var recovered = again.ActorOf(SessionActor.Props(Alice, Nodes.Dependencies()));
        Assert.Equal(defaults, Assert.IsType<StatusReply>(await Ask(recovered, new GetStatus(Alice))).Status.Settings);
        Assert.Empty((await SessionLog.EventsAsync(again, Alice)).Select(e => e.Body).OfType<SettingsChangedBody>());
    }

    [Fact]
    public async Task A_patch_changes_only_what_it_names_is_one_settings_event_before_the_answer_and_a_new_ActorSystem_recovers_it()
    {
        var system = Nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Nodes.Dependencies()));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));

        var first = Assert.IsType<SettingsUpdated>(await Ask(session, new UpdateSettings(Alice, new SessionSettingsPatch
        {
            ReadReceipts = true,
            Ignore = new IgnorePatch(Groups: true, Status: true),
            SendRate = new SendRate(0.5, 3),
        })));
        var second = Assert.IsType<SettingsUpdated>(await Ask(session, new UpdateSettings(Alice, new SessionSettingsPatch { MarkOnline = false, Ignore = new IgnorePatch(Status: false) })));

        var expected = new SessionSettings(MarkOnline: false, ReadReceipts: true, RejectCalls: false, new IgnoreSettings(Groups: true, Status: false, Broadcasts: false), new SendRate(0.5, 3));
        Assert.Equal(new SessionSettings(true, true, false, new IgnoreSettings(true, true, false), new SendRate(0.5, 3)), first.Settings);
        Assert.Equal(expected, second.Settings);
        Assert.Equal(expected, Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status.Settings);
        var events = await SessionLog.EventsAsync(system, Alice);
        Assert.Equal([first.Settings, second.Settings], events.Select(e => e.Body).OfType<SettingsChangedBody>().Select(b => b.Settings));

        await SessionNodes.StopAsync(system);
        var again = Nodes.Start();
        var recovered = again.ActorOf(SessionActor.Props(Alice, Nodes.Dependencies()));
        Assert.Equal(expected, Assert.IsType<StatusReply>(await Ask(recovered, new GetStatus(Alice))).Status.Settings);
    }

    [Fact]
    public void A_stored_record_without_a_send_rate_reads_as_theNodes_pacing_and_an_empty_record_as_everything_off()
    {
        var body = SessionEvent.FromRecord(Alice, new SessionEventRecord { EventId = Guid.CreateVersion7().ToString(), Sequence = 1, SettingsChanged = new SessionSettingsRecord() }).Body;

        Assert.Equal(new SettingsChangedBody(new SessionSettings(false, false, false, IgnoreSettings.None, null)), body);
    }

    [Theory]
    [InlineData("status@broadcast", false, true, false, true)]
    [InlineData("1234@broadcast", false, false, true, true)]
    [InlineData("1234@broadcast", false, true, false, false)]
    [InlineData("120363@g.us", true, false, false, true)]
    [InlineData("120363@g.us", false, true, true, false)]
    [InlineData("15550002222@s.whatsapp.net", true, true, true, false)]
    public void Ignore_settings_name_groups_status_and_broadcast_lists_apart(string chat, bool groups, bool status, bool broadcasts, bool ignored) =>
        Assert.Equal(ignored, new IgnoreSettings(groups, status, broadcasts).Ignores(chat));
}
