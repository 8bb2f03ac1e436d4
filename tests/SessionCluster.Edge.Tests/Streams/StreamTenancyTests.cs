using System.Net;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Streams;

/// <summary>
/// Two tenants with their own keys and a session of the same name each: every stream shows its tenant's events only
/// (compared by event id), a session of the other tenant named in a filter or a cursor is a 404 like a missing one,
/// and the admin key streams the tenant X-Tenant-Id names.
/// </summary>
public sealed class StreamTenancyTests(StreamsNode fixture) : IClassFixture<StreamsNode>
{
    [Fact]
    public async Task A_tenants_streams_never_show_another_tenants_events_even_for_a_session_of_the_same_name()
    {
        var (alice, _) = await fixture.CreateTenantAsync("tenant-alice");
        var (bob, bobKey) = await fixture.CreateTenantAsync("tenant-bob");
        await StreamsNode.CreateSessionAsync(alice, "same");
        await StreamsNode.CreateSessionAsync(alice, "alice-only");
        await StreamsNode.CreateSessionAsync(bob, "same");
        var node = alice.BaseAddress!;

        await using var bobSse = await SseClient.OpenAsync(bob, "");
        using var bobWs = await WsClient.ConnectAsync(node, bobKey, "?sessions=same");
        using var adminAsBob = await WsClient.ConnectAsync(node, EdgeNode.AdminKey, "", tenant: "tenant-bob");

        // Both tenants' "same" write a QR; Alice's first, so a leak would be read before Bob's.
        foreach (var http in new[] { alice, bob })
        {
            using var qr = await http.GetAsync("/v1/sessions/same/qr");
            Assert.Equal(HttpStatusCode.OK, qr.StatusCode);
        }

        var aliceIds = (await StreamsNode.JournalAsync(alice, "same")).Concat(await StreamsNode.JournalAsync(alice, "alice-only"))
            .Select(e => e.GetProperty("id").GetString()).ToHashSet();
        var bobIds = (await StreamsNode.JournalAsync(bob, "same")).Select(e => e.GetProperty("id").GetString()).ToHashSet();
        Assert.Contains(await StreamsNode.JournalAsync(alice, "same"), e => e.GetProperty("type").GetString() == "session.qr");

        var sse = await bobSse.ReadUntilAsync(f => f.Any(x => x.Event == "session.qr"));
        var ws = await bobWs.ReadUntilAsync(e => e.Any(IsQr));
        var admin = await adminAsBob.ReadUntilAsync(e => e.Any(IsQr));
        foreach (var id in sse.Select(f => f.Data).Concat(ws).Concat(admin).Select(e => e.GetProperty("id").GetString()))
        {
            Assert.Contains(id, bobIds);
            Assert.DoesNotContain(id, aliceIds);
        }

        // Alice's own stream, for contrast, sees hers.
        await using var aliceSse = await SseClient.OpenAsync(alice, "?sessions=alice-only");
        Assert.Contains((await aliceSse.NextAsync()).Data.GetProperty("id").GetString(), aliceIds);

        // Alice's session that Bob has no namesake of: 404 by name, in sessions=, after= and Last-Event-ID alike.
        foreach (var query in new[] { "?sessions=alice-only", "?after=alice-only:1" })
        {
            using var response = await bob.GetAsync("/v1/events/stream" + query, HttpCompletionOption.ResponseHeadersRead);
            await Problems.AssertAsync(response, HttpStatusCode.NotFound, "session_not_found");
            Assert.Equal(404, await WsClient.RefusedStatusAsync(node, bobKey, query));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events/stream");
        request.Headers.Add("Last-Event-ID", "alice-only:1");
        using var lastEventId = await bob.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await Problems.AssertAsync(lastEventId, HttpStatusCode.NotFound, "session_not_found");
    }

    [Fact]
    public async Task An_api_key_cannot_pick_a_tenant_and_the_admin_key_naming_no_tenant_is_404()
    {
        var (carol, _) = await fixture.CreateTenantAsync("tenant-carol");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events/stream");
        request.Headers.Add("X-Tenant-Id", "default");
        using var forbidden = await carol.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await Problems.AssertAsync(forbidden, HttpStatusCode.Forbidden, "forbidden");

        using var adminRequest = new HttpRequestMessage(HttpMethod.Get, "/v1/events/stream");
        adminRequest.Headers.Add("X-Tenant-Id", "tenant-nobody");
        using var missing = await fixture.Node.Http.SendAsync(adminRequest, HttpCompletionOption.ResponseHeadersRead);
        await Problems.AssertAsync(missing, HttpStatusCode.NotFound, "tenant_not_found");
    }

    private static bool IsQr(JsonElement e) => e.GetProperty("type").GetString() == "session.qr";
}
