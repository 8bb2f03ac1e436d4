using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>
/// App-state snapshots and external mutations (docs/PROTOCOL.md §14 "Snapshots", "External blobs") against the simulator:
/// a session linked after the phone's collections were compacted restores them from the snapshot blobs, a snapshot with a
/// wrong MAC is refused once with the state kept, and a patch whose mutations sit in a blob is applied.
/// </summary>
public sealed class AppStateSnapshotTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    private const string Chat = BobPhone + "@s.whatsapp.net";

    [Fact]
    public async Task A_session_linked_after_compaction_restores_each_collection_from_its_snapshot_and_reads_the_patches_after_it()
    {
        await using var host = await Simulators.StartAsync();
        await CreateAccountAsync(host);
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        await WriteAsync(host, "regular_low", new { index = new[] { "archive", Chat }, value = new { archiveChatAction = new { archived = true } }, version = 3 });
        await WriteAsync(host, "regular_low", new { index = new[] { "pin_v1", Chat }, value = new { pinAction = new { pinned = true } }, version = 5 });
        await WriteAsync(host, "regular_high", new { index = new[] { "mute", Chat }, value = new { muteAction = new { muted = true, muteEndTimestamp = "-1" } }, version = 2 });
        await WriteAsync(host, "critical_unblock_low", new { index = new[] { "contact", Chat }, value = new { contactAction = new { fullName = "Bob Example", firstName = "Bob" } }, version = 2 });
        foreach (var collection in new[] { "regular_low", "regular_high", "critical_unblock_low" })
        {
            await CompactAsync(host, collection, tamper: false);
        }

        await WriteAsync(host, "regular_low", new { index = new[] { "markChatAsRead", Chat }, value = new { markChatAsReadAction = new { read = true } }, version = 3 });

        var system = Nodes.Start();
        await LinkedSessions.CreateAndLinkAsync(system, host, WithDownloader(host));
        var events = await SessionLog.WaitForAsync(system, Alice, e =>
            e.Any(x => x.Body is ChatSettingChangedBody { Setting: ChatSetting.Read, On: true }) &&
            e.Any(x => x.Body is ChatSettingChangedBody { Setting: ChatSetting.Muted, On: true }) &&
            e.Any(x => x.Body is ContactUpdatedBody), "the snapshots' and the later patch's events");

        var bodies = events.Select(e => e.Body).ToList();
        Assert.Contains(bodies, b => b is ChatSettingChangedBody { Chat: Chat, Setting: ChatSetting.Archived, On: true, ByThisSession: false });
        Assert.Contains(bodies, b => b is ChatSettingChangedBody { Chat: Chat, Setting: ChatSetting.Pinned, On: true });
        Assert.Contains(bodies, b => b is ContactUpdatedBody { Jid: Chat, FullName: "Bob Example", FirstName: "Bob", Removed: false });
        Assert.Equal(3, Nodes.Logs.Count(1857));
        Assert.Equal(0, Nodes.Logs.Count(1858));
        // The snapshot's state (version 2) and the patch after it, durable together with their events.
        var stored = (await SessionLog.StoredAsync(system, Alice)).OfType<AppStateCollectionStored>().Last(c => c.Name == "regular_low");
        Assert.Equal((3UL, 4UL, 3), (stored.Version, stored.NextVersion, stored.ValueMacs.Count));
    }

    [Fact]
    public async Task A_snapshot_with_a_wrong_mac_is_refused_once_and_the_state_kept()
    {
        await using var host = await Simulators.StartAsync();
        await CreateAccountAsync(host);
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        await WriteAsync(host, "regular_low", new { index = new[] { "archive", Chat }, value = new { archiveChatAction = new { archived = true } }, version = 3 });
        await CompactAsync(host, "regular_low", tamper: true);
        await WriteAsync(host, "critical_unblock_low", new { index = new[] { "contact", Chat }, value = new { contactAction = new { fullName = "Bob Example" } }, version = 2 });

        var system = Nodes.Start();
        await LinkedSessions.CreateAndLinkAsync(system, host, WithDownloader(host));
        await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is ContactUpdatedBody), "the contact of an untampered collection");
        await SimulatorPhones.WaitForAsync(() => Task.FromResult(Nodes.Logs.Count(1858)), n => n >= 1, "the snapshot refused");
        // A later patch makes the session fetch regular_low from version 0 again: the same snapshot comes back and is not logged again.
        await WriteAsync(host, "regular_low", new { index = new[] { "pin_v1", Chat }, value = new { pinAction = new { pinned = true } }, version = 5 });
        await SimulatorPhones.WaitForAsync(() => Task.FromResult(Nodes.Logs.Count(1859)), n => n >= 1, "the snapshot refused again, quietly");

        var refused = Assert.Single(Nodes.Logs.Entries, e => e.Id.Id == 1858);
        Assert.Contains("SnapshotMacMismatch", refused.Message, StringComparison.Ordinal);
        var bodies = (await SessionLog.EventsAsync(system, Alice)).Select(e => e.Body).ToList();
        Assert.DoesNotContain(bodies, b => b is ChatSettingChangedBody);
        Assert.DoesNotContain((await SessionLog.StoredAsync(system, Alice)).OfType<AppStateCollectionStored>(), c => c.Name == "regular_low");
    }

    [Fact]
    public async Task A_patch_with_external_mutations_is_downloaded_and_applied()
    {
        await using var host = await Simulators.StartAsync();
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, _) = await LinkedSessions.LinkedAliceAsync(Nodes, host, WithDownloader(host));
        await SimulatorPhones.WaitForAsync(() => Task.FromResult(Nodes.Logs.Count(1850)), n => n >= 1, "the app-state key");

        await WriteAsync(host, "critical_unblock_low", new { index = new[] { "contact", Chat }, value = new { contactAction = new { fullName = "Bob External" } }, version = 2, external = true });

        await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is ContactUpdatedBody { FullName: "Bob External" }), "the contact from the external blob");
        var stored = (await SessionLog.StoredAsync(system, Alice)).OfType<AppStateCollectionStored>().Last(c => c.Name == "critical_unblock_low");
        Assert.Equal((1UL, 1), (stored.Version, stored.ValueMacs.Count));
        Assert.Equal(0, Nodes.Logs.Count(1852));
    }

    private SessionActorDependencies WithDownloader(SimulatorHost host)
    {
        var http = new HttpClient(MediaUploader.CreateHandler(new SessionServerSettings(new Uri(host.WebSocketUrl)) { PinnedCertificate = X509Certificate2.CreateFromPem(host.CertificatePem) }));
        return Dependencies(Nodes, host) with { HistoryDownloader = new MediaDownloader(http) };
    }

    private static async Task WriteAsync(SimulatorHost host, string collection, object body)
    {
        using var http = new HttpClient { Timeout = SessionNodes.Timeout };
        using var response = await http.PostAsJsonAsync($"{host.AdminUrl}/accounts/{Phone}/app-state/{collection}", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task CompactAsync(SimulatorHost host, string collection, bool tamper)
    {
        using var http = new HttpClient { Timeout = SessionNodes.Timeout };
        using var response = await http.PostAsJsonAsync($"{host.AdminUrl}/accounts/{Phone}/app-state/{collection}/snapshot", new { tamper });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
