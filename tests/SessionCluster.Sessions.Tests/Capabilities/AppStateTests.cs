using System.Net;
using System.Net.Http.Json;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Flows;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using SessionCluster.Simulator.Phone;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>
/// App-state sync (docs/PROTOCOL.md §14) against the simulator's phone: the key it shares is stored sealed, the patches it
/// writes become chat and contact events once every MAC verifies, a tampered patch is refused with the state kept, and the
/// session's own writes verify on the phone.
/// </summary>
public sealed class AppStateTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    private const string Chat = BobPhone + "@s.whatsapp.net";

    [Fact]
    public async Task Patches_from_the_phone_become_events_and_a_tampered_one_is_refused_with_the_state_kept()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, _) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        await WaitForKeyAsync(system);

        await WriteAsync(host, "regular_low", new { index = new[] { "archive", Chat }, value = new { timestamp = "1700000000000", archiveChatAction = new { archived = true } }, version = 3 });
        await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is ChatSettingChangedBody { Setting: ChatSetting.Archived, On: true }), "chat archived");

        await WriteAsync(host, "regular_low", new { index = new[] { "pin_v1", Chat }, value = new { pinAction = new { pinned = true } }, version = 5, tamper = "patchMac" });
        await WriteAsync(host, "critical_unblock_low", new { index = new[] { "contact", Chat }, value = new { contactAction = new { fullName = "Bob Example", firstName = "Bob" } }, version = 2 });
        await WriteAsync(host, "critical_block", new { index = new[] { "setting_pushName" }, value = new { pushNameSetting = new { name = "Alice A." } }, version = 1 });
        await WriteAsync(host, "regular_high", new { index = new[] { "mute", Chat }, value = new { muteAction = new { muted = true, muteEndTimestamp = "1900000000000" } }, version = 2 });
        await WriteAsync(host, "regular_low", new { index = new[] { "markChatAsRead", Chat }, value = new { markChatAsReadAction = new { read = true } }, version = 3 });
        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is ChatSettingChangedBody { Setting: ChatSetting.Read }) && e.Any(x => x.Body is ChatSettingChangedBody { Setting: ChatSetting.Muted }), "chat read and muted");

        var bodies = events.Select(e => e.Body).ToList();
        Assert.DoesNotContain(bodies, b => b is ChatSettingChangedBody { Setting: ChatSetting.Pinned });
        Assert.Contains(bodies, b => b is ContactUpdatedBody { Jid: Chat, FullName: "Bob Example", FirstName: "Bob", Removed: false });
        await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is PushNameChangedBody { Name: "Alice A." }), "the push name");
        var muted = bodies.OfType<ChatSettingChangedBody>().Single(b => b.Setting == ChatSetting.Muted);
        Assert.Equal((true, DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_000_000)), (muted.On, muted.MuteEnd));
        Assert.Equal(1, Nodes.Logs.Count(1852));
        // The refused version is skipped durably; the state is the one of versions 1 and 3.
        var stored = (await SessionLog.StoredAsync(system, Alice)).OfType<AppStateCollectionStored>().Last(c => c.Name == "regular_low");
        Assert.Equal((3UL, 4UL, 2), (stored.Version, stored.NextVersion, stored.ValueMacs.Count));
        Assert.DoesNotContain(bodies, b => b is MessageReceivedBody { Message.ProtocolMessage: not null });
    }

    [Fact]
    public async Task A_chat_archived_by_the_session_verifies_on_the_phone_and_a_restarted_session_keeps_verifying()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        await WaitForKeyAsync(system);

        var modified = Assert.IsType<ChatModified>(await Ask(session, new ModifyChat(Alice, Chat, ChatSetting.Archived, On: true)));
        Assert.Equal(("regular_low", 1UL), (modified.Collection, modified.Version));
        Assert.Contains((await SessionLog.EventsAsync(system, Alice)).Select(e => e.Body), b => b is ChatSettingChangedBody { Setting: ChatSetting.Archived, On: true, ByThisSession: true });
        var view = await ViewAsync(host, "regular_low");
        var entry = Assert.Single(view.Log);
        Assert.Equal((null, "archive"), (entry.Refused, entry.Index[0]));

        // The stored state (LTHash and value MACs) survives a restart: the phone's next patch, an overwrite of the same index, verifies.
        await SessionNodes.StopAsync(system);
        var again = Nodes.Start();
        again.ActorOf(SessionActor.Props(Alice, LinkByQrTests.Dependencies(Nodes, host)));
        await SessionLog.WaitForAsync(again, Alice, e => LinkedSessions.Statuses(e).Count(s => s == SessionStatus.Connected) == 2, "Connected again");
        await WriteAsync(host, "regular_low", new { index = new[] { "archive", Chat }, value = new { archiveChatAction = new { archived = false } }, version = 3 });
        await SessionLog.WaitForAsync(again, Alice, e => e.Any(x => x.Body is ChatSettingChangedBody { Setting: ChatSetting.Archived, On: false, ByThisSession: false }), "chat unarchived by the phone");
        Assert.Equal(0, Nodes.Logs.Count(1852));
    }

    [Fact]
    public async Task A_chat_cannot_be_modified_before_the_key_arrives_or_with_a_bad_jid()
    {
        await using var host = await Simulators.StartAsync();
        var (_, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);

        var bad = Assert.IsType<ChatModifyRefused>(await Ask(session, new ModifyChat(Alice, "not-a-jid", ChatSetting.Archived, On: true)));
        Assert.Equal(ChatModifyRefusal.BadChat, bad.Reason);
    }

    private async Task WaitForKeyAsync(Akka.Actor.ActorSystem system)
    {
        var deadline = DateTime.UtcNow + SessionNodes.Timeout;
        AppStateKeysStored? stored;
        while ((stored = (await SessionLog.StoredAsync(system, Alice)).OfType<AppStateKeysStored>().FirstOrDefault()) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the phone's app-state key was never stored");
            await Task.Delay(100);
        }

        // Sealed: a SecretBox envelope (version 1, key id, nonce, ciphertext, tag) around one 6-byte id and 32-byte key.
        Assert.Equal(SessionCluster.Sessions.State.SecretBox.Version1, stored.SealedKeys[0]);
        Assert.True(stored.SealedKeys.Length >= SessionCluster.Sessions.State.SecretBox.Overhead + 38);
        await SimulatorPhones.WaitForAsync(() => Task.FromResult(Nodes.Logs.Count(1850)), n => n >= 1, "the key in memory");
    }

    private static async Task WriteAsync(SimulatorHost host, string collection, object body)
    {
        using var http = new HttpClient { Timeout = SessionNodes.Timeout };
        using var response = await http.PostAsJsonAsync($"{host.AdminUrl}/accounts/{LinkByQrTests.Phone}/app-state/{collection}", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<PhoneAppStateView> ViewAsync(SimulatorHost host, string collection)
    {
        using var http = new HttpClient { Timeout = SessionNodes.Timeout };
        return (await http.GetFromJsonAsync<PhoneAppStateView>($"{host.AdminUrl}/accounts/{LinkByQrTests.Phone}/app-state/{collection}"))!;
    }
}
