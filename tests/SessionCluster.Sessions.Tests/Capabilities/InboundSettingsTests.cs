using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>The settings that act on inbound messages: automatic read receipts, and ignored chats.</summary>
public sealed class InboundSettingsTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    private static string AliceJid => Phone + "@s.whatsapp.net";

    [Fact]
    public async Task With_readReceipts_on_each_stored_inbound_message_is_read_receipted_and_with_it_off_only_delivered()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);

        var unread = await SimulatorPhones.SendTextAsync(host, BobPhone, AliceJid, "before");
        // Stored (and so receipted) before the setting changes: Alice's phone receipts it too, which proves nothing here.
        await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is MessageReceivedBody m && m.MessageId == unread), "the first message stored");
        Assert.IsType<SettingsUpdated>(await Ask(session, new UpdateSettings(Alice, new SessionSettingsPatch { ReadReceipts = true })));
        var read = await SimulatorPhones.SendTextAsync(host, BobPhone, AliceJid, "after");

        var receipts = await SimulatorPhones.WaitForAsync(() => SimulatorPhones.ReceiptsAsync(host, BobPhone), r => r.Any(x => x.Id == read && x.Type == "read"), "the read receipt");
        Assert.Contains(receipts, r => r.Id == read && r.Type == "delivery");
        Assert.DoesNotContain(receipts, r => r.Id == unread && r.Type == "read");
        var events = await SessionLog.EventsAsync(system, Alice);
        Assert.Equal([unread, read], events.Select(e => e.Body).OfType<MessageReceivedBody>().Select(m => m.MessageId));
    }

    [Fact]
    public async Task An_ignored_groups_messages_are_acknowledged_and_not_stored_while_direct_messages_still_are()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        var group = await SimulatorPhones.CreateGroupAsync(host, "the team", BobPhone, [Phone]);
        Assert.IsType<SettingsUpdated>(await Ask(session, new UpdateSettings(Alice, new SessionSettingsPatch { Ignore = new IgnorePatch(Groups: true) })));

        var inGroup = await SimulatorPhones.SendTextAsync(host, BobPhone, group, "to the team");
        var direct = await SimulatorPhones.SendTextAsync(host, BobPhone, AliceJid, "to alice");

        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is MessageReceivedBody m && m.MessageId == direct), "the direct message");
        Assert.DoesNotContain(events, e => e.Body is MessageReceivedBody m && m.MessageId == inGroup);
        Assert.DoesNotContain(events, e => e.Body is UndecryptableBody);
        // Acknowledged: nothing waits in the session's queue at the server.
        await SimulatorPhones.WaitForAsync(() => LinkedSessions.StatsAsync(host), s => s.OfflineQueueDepth == 0, "the group message acked");

        Assert.IsType<SettingsUpdated>(await Ask(session, new UpdateSettings(Alice, new SessionSettingsPatch { Ignore = new IgnorePatch(Groups: false) })));
        var stored = await SimulatorPhones.SendTextAsync(host, BobPhone, group, "stored now");
        await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is MessageReceivedBody m && m.MessageId == stored && m.Chat == group), "the group message once groups are no longer ignored");
    }
}
