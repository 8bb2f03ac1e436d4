using System.Net;
using System.Net.Http.Json;
using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Wa.AppState;
using SessionCluster.Simulator.AppState;
using SessionCluster.Simulator.Phone;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests.AppState;

/// <summary>Snapshots and external mutations on the simulated server (docs/PROTOCOL.md §14 "The simulator").</summary>
public sealed class AppStateSnapshotTests
{
    private const string Phone = "15550003333";
    private const string Chat = "15550004444@s.whatsapp.net";

    [Fact]
    public async Task A_compacted_collection_answers_a_fetch_from_zero_asking_a_snapshot_with_the_snapshot_blob_and_the_patches_after_it()
    {
        await using var host = await TestSimulator.StartAsync();
        await TestSimulator.CreateAccountAsync(host, Phone);
        var device = new TestDevice();
        var deviceId = await TestLinking.LinkAsync(host, Phone, device);
        await using var connection = (await TestLinking.LoginAsync(host, Phone, deviceId, device)).Connection;
        using var http = new HttpClient();
        var url = $"{host.AdminUrl}/accounts/{Phone}/app-state/regular_low";
        await WriteAsync(http, url, new { index = new[] { "archive", Chat }, value = new { archiveChatAction = new { archived = true } }, version = 3 });
        await WriteAsync(http, url, new { index = new[] { "pin_v1", Chat }, value = new { pinAction = new { pinned = true } }, version = 5 });
        await WriteAsync(http, url, new { index = new[] { "archive", Chat }, value = new { archiveChatAction = new { archived = false } }, version = 3 });

        using var compacted = await http.PostAsync(url + "/snapshot", null);
        Assert.Equal(HttpStatusCode.Created, compacted.StatusCode);
        var made = await compacted.Content.ReadFromJsonAsync<AppStateSnapshotResponse>();
        await WriteAsync(http, url, new { index = new[] { "markChatAsRead", Chat }, value = new { markChatAsReadAction = new { read = true } }, version = 3 });

        var withSnapshot = (await connection.QueryAsync("w:sync:app:state", "set", Fetch(0, snapshot: true))).GetChild("sync").GetChild("collection");
        var reference = ExternalBlobReference.Parser.ParseFrom(withSnapshot.GetChild("snapshot").Bytes.Span);
        var snapshot = AppStateSnapshotCodec.Parse(AppStateExternalBlobs.Decrypt(host.Server.Media.Store.Find(reference.DirectPath)!.Content, reference));
        var after = SyncdPatch.Parser.ParseFrom(Assert.Single(withSnapshot.GetChild("patches").GetChildren("patch")).Bytes.Span);
        var third = SyncdPatch.Parser.ParseFrom(host.Server.AppState.Patches.After(Phone, "regular_low", 2, 1).Patches[0]);
        var withoutSnapshot = (await connection.QueryAsync("w:sync:app:state", "set", Fetch(0, snapshot: false))).GetChild("sync").GetChild("collection");

        Assert.Equal(3UL, made!.Version);
        Assert.Equal(made.DirectPath, reference.DirectPath);
        Assert.Equal((3UL, 2), (snapshot.Version.Version, snapshot.Records.Count));
        Assert.Equal(third.SnapshotMAC, snapshot.Mac);
        Assert.Equal(4UL, after.Version.Version);
        Assert.Equal("4", withSnapshot.GetString("version"));
        Assert.Null(withoutSnapshot.GetOptionalChild("snapshot"));
        Assert.Equal(4, withoutSnapshot.GetChild("patches").Children.Count);
    }

    [Fact]
    public async Task A_tampered_snapshot_carries_another_mac_and_an_empty_collection_cannot_be_compacted()
    {
        await using var host = await TestSimulator.StartAsync();
        await TestSimulator.CreateAccountAsync(host, Phone);
        using var http = new HttpClient();
        var url = $"{host.AdminUrl}/accounts/{Phone}/app-state/regular_high";
        using (var empty = await http.PostAsync(url + "/snapshot", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, empty.StatusCode);
        }

        await WriteAsync(http, url, new { index = new[] { "mute", Chat }, value = new { muteAction = new { muted = true, muteEndTimestamp = -1 } }, version = 2 });
        using var compacted = await http.PostAsync(url + "/snapshot", TestSimulator.Json(new { tamper = true }));
        var reference = host.Server.AppState.Patches.Snapshot(Phone, "regular_high")!.Value.Reference;
        var snapshot = AppStateSnapshotCodec.Parse(AppStateExternalBlobs.Decrypt(host.Server.Media.Store.Find(reference.DirectPath)!.Content, reference));
        var patch = SyncdPatch.Parser.ParseFrom(host.Server.AppState.Patches.After(Phone, "regular_high", 0, 1).Patches[0]);

        Assert.Equal(HttpStatusCode.Created, compacted.StatusCode);
        Assert.NotEqual(patch.SnapshotMAC, snapshot.Mac);
    }

    [Fact]
    public async Task The_phone_writes_a_patch_with_external_mutations_that_it_reads_back_through_the_media_store()
    {
        await using var host = await TestSimulator.StartAsync();
        await TestSimulator.CreateAccountAsync(host, Phone);
        using var http = new HttpClient();
        var url = $"{host.AdminUrl}/accounts/{Phone}/app-state/critical_unblock_low";
        await WriteAsync(http, url, new { index = new[] { "contact", Chat }, value = new { contactAction = new { fullName = "Dora D" } }, version = 2, external = true });

        var stored = SyncdPatch.Parser.ParseFrom(host.Server.AppState.Patches.After(Phone, "critical_unblock_low", 0, 1).Patches[0]);
        var view = await http.GetFromJsonAsync<PhoneAppStateView>(url);

        Assert.Empty(stored.Mutations);
        Assert.NotNull(host.Server.Media.Store.Find(stored.ExternalMutations.DirectPath));
        var entry = Assert.Single(view!.Log);
        Assert.Null(entry.Refused);
        Assert.Equal(1UL, view.StateVersion);
        Assert.Contains("Dora D", entry.Value, StringComparison.Ordinal);
    }

    private static async Task WriteAsync(HttpClient http, string url, object body)
    {
        using var written = await http.PostAsync(url, TestSimulator.Json(body));
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
    }

    private static Node Fetch(ulong version, bool snapshot) =>
        new("sync", null, [new Node("collection", [("name", "regular_low"), ("version", version.ToString()), ("return_snapshot", snapshot ? "true" : "false")])]);
}
