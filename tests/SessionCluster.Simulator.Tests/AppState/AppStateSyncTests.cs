using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Wa.AppState;
using SessionCluster.Simulator.AppState;
using SessionCluster.Simulator.Phone;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests.AppState;

/// <summary>The server side of app state (docs/PROTOCOL.md §14): versions, conflicts, paging, server_sync, and the phone as a writer.</summary>
public sealed class AppStateSyncTests
{
    private const string Phone = "15550001111";
    private static readonly byte[] KeyId = [0, 0, 0, 0, 1, 2];
    private static readonly AppStateKeyRing Keys = AppStateKeyRing.Empty.With(KeyId, RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task An_upload_on_the_current_version_is_stored_fetched_and_announced_to_the_other_companion_and_a_stale_one_is_a_conflict()
    {
        await using var host = await TestSimulator.StartAsync();
        await TestSimulator.CreateAccountAsync(host, Phone);
        var (writer, reader) = (new TestDevice(), new TestDevice());
        var writerId = await TestLinking.LinkAsync(host, Phone, writer);
        var readerId = await TestLinking.LinkAsync(host, Phone, reader);
        await using var writing = await ActiveAsync(host, writerId, writer);
        await using var reading = await ActiveAsync(host, readerId, reader);

        var first = Archive(AppStateCollectionState.Empty(AppStateCollections.RegularLow));
        var uploaded = await writing.QueryAsync("w:sync:app:state", "set", Upload(0, first.Patch));
        Assert.Equal("result", uploaded.GetString("type"));
        Assert.Equal("1", uploaded.GetChild("sync").GetChild("collection").GetString("version"));

        var notified = await reading.ReceiveUntilAsync(n => n.Tag == "notification" && n.GetOptionalString("type") == "server_sync");
        Assert.Equal(("regular_low", "1"), (notified.GetChild("collection").GetString("name"), notified.GetChild("collection").GetString("version")));

        var fetched = await reading.QueryAsync("w:sync:app:state", "set", Fetch(0));
        var collection = fetched.GetChild("sync").GetChild("collection");
        Assert.Equal("1", collection.GetString("version"));
        var patch = SyncdPatch.Parser.ParseFrom(Assert.Single(collection.GetChild("patches").GetChildren("patch")).Bytes.Span);
        Assert.Equal(1UL, patch.Version.Version);
        Assert.True(AppStatePatchCodec.Decode(patch, AppStateCollectionState.Empty(AppStateCollections.RegularLow), Keys).Mutations[0].Value.ArchiveChatAction.Archived);

        var stale = await reading.QueryAsync("w:sync:app:state", "set", Upload(0, Archive(AppStateCollectionState.Empty(AppStateCollections.RegularLow)).Patch));
        Assert.Equal("error", stale.GetString("type"));
        Assert.Equal("409", stale.GetChild("error").GetString("code"));
        Assert.Equal(1UL, host.Server.AppState.Patches.Version(Phone, AppStateCollections.RegularLow));
    }

    [Fact]
    public async Task A_long_collection_is_fetched_in_pages_marked_has_more_patches()
    {
        await using var host = await TestSimulator.StartAsync();
        await TestSimulator.CreateAccountAsync(host, Phone);
        var device = new TestDevice();
        var deviceId = await TestLinking.LinkAsync(host, Phone, device);
        await using var connection = (await TestLinking.LoginAsync(host, Phone, deviceId, device)).Connection;
        var state = AppStateCollectionState.Empty(AppStateCollections.RegularLow);
        for (var i = 0; i < AppStateSync.PageSize + 3; i++)
        {
            var encoded = Archive(state);
            Assert.NotNull(host.Server.AppState.Patches.TryAppend(Phone, state.Name, state.Version, encoded.Patch));
            state = encoded.State;
        }

        var first = (await connection.QueryAsync("w:sync:app:state", "set", Fetch(0))).GetChild("sync").GetChild("collection");
        Assert.Equal(("true", AppStateSync.PageSize), (first.GetOptionalString("has_more_patches"), first.GetChild("patches").Children.Count));
        var rest = (await connection.QueryAsync("w:sync:app:state", "set", Fetch(ulong.Parse(first.GetString("version"))))).GetChild("sync").GetChild("collection");
        Assert.Equal((null, 3, "53"), (rest.GetOptionalString("has_more_patches"), rest.GetChild("patches").Children.Count, rest.GetString("version")));
    }

    [Fact]
    public async Task The_phone_writes_patches_companions_hear_of_and_lists_the_one_it_tampered_with_as_refused()
    {
        await using var host = await TestSimulator.StartAsync();
        await TestSimulator.CreateAccountAsync(host, Phone);
        var device = new TestDevice();
        var deviceId = await TestLinking.LinkAsync(host, Phone, device);
        await using var connection = await ActiveAsync(host, deviceId, device);
        using var http = new HttpClient();
        var url = $"{host.AdminUrl}/accounts/{Phone}/app-state/regular_low";
        const string Chat = "15550002222@s.whatsapp.net";

        using (var archived = await http.PostAsync(url, TestSimulator.Json(new { index = new[] { "archive", Chat }, value = new { archiveChatAction = new { archived = true } }, version = 3 })))
        {
            Assert.Equal(HttpStatusCode.Created, archived.StatusCode);
        }

        var notified = await connection.ReceiveUntilAsync(n => n.Tag == "notification" && n.GetOptionalString("type") == "server_sync");
        Assert.Equal("1", notified.GetChild("collection").GetString("version"));
        using (var tampered = await http.PostAsync(url, TestSimulator.Json(new { index = new[] { "pin_v1", Chat }, value = new { pinAction = new { pinned = true } }, version = 5, tamper = "patchMac" })))
        {
            Assert.Equal(HttpStatusCode.Created, tampered.StatusCode);
        }

        using (var good = await http.PostAsync(url, TestSimulator.Json(new { index = new[] { "markChatAsRead", Chat }, value = new { markChatAsReadAction = new { read = true } }, version = 3 })))
        {
            Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        }

        var view = await http.GetFromJsonAsync<PhoneAppStateView>(url);
        Assert.Equal((3UL, 3UL), (view!.ServerVersion, view.StateVersion));
        Assert.Equal(["archive", "pin_v1", "markChatAsRead"], view.Log.Select(e => e.Index[0]));
        Assert.Equal([null, "tampered by the phone: PatchMac", null], view.Log.Select(e => e.Refused));

        using var unknown = await http.GetAsync($"{host.AdminUrl}/accounts/{Phone}/app-state/nothing");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    /// <summary>Logged in and past <c>passive active</c>, so server pushes reach the connection at once.</summary>
    private static async Task<TestConnection> ActiveAsync(SimulatorHost host, int deviceId, TestDevice device)
    {
        var connection = (await TestLinking.LoginAsync(host, Phone, deviceId, device)).Connection;
        var active = await connection.QueryAsync("passive", "set", new Node("active"));
        Assert.Equal("result", active.GetString("type"));
        return connection;
    }

    private static AppStateEncodedPatch Archive(AppStateCollectionState state) =>
        AppStatePatchCodec.Encode(state, Keys, KeyId,
            [new AppStateMutationRequest(AppStateOperation.Set, ["archive", "15550002222@s.whatsapp.net"], new SyncActionValue { ArchiveChatAction = new ArchiveChatAction { Archived = true } }, 3)]);

    private static Node Upload(ulong version, SyncdPatch patch) =>
        new("sync", null, [new Node("collection", [("name", "regular_low"), ("version", version.ToString()), ("return_snapshot", "false")], [new Node("patch", null, patch.ToByteArray())])]);

    private static Node Fetch(ulong version) =>
        new("sync", null, [new Node("collection", [("name", "regular_low"), ("version", version.ToString()), ("return_snapshot", "false")])]);
}
