using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Linking;

/// <summary>
/// Tenant B's key against tenant A's session on every route this folder adds (QR renderings, pairing code, logout,
/// mark read, the Cloud send): the same 404 as a missing session, nothing of A in the answer, and A's session untouched.
/// </summary>
public sealed class LinkRoutesIsolationTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    [Fact]
    public async Task Another_tenants_session_is_a_404_on_the_linking_read_logout_and_cloud_routes_and_stays_untouched()
    {
        using var a = await node.TenantClientAsync("link-tenant-a");
        using var b = await node.TenantClientAsync("link-tenant-b");
        using (var created = await a.PostAsJsonAsync("/v1/sessions", new { id = "counter" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        foreach (var request in new Func<HttpRequestMessage>[]
        {
            () => Accepting("image/png"),
            () => Accepting("text/plain"),
            () => new HttpRequestMessage(HttpMethod.Post, "/v1/sessions/counter/pairing-code") { Content = JsonContent.Create(new { phone = "+15550001111" }) },
            () => new HttpRequestMessage(HttpMethod.Post, "/v1/sessions/counter:logout"),
            () => new HttpRequestMessage(HttpMethod.Post, "/v1/sessions/counter/chats/15550001111@s.whatsapp.net:read") { Content = JsonContent.Create(new { messageIds = new[] { "3EB0A1" } }) },
        })
        {
            using var message = request();
            using var response = await b.SendAsync(message);
            var problem = await Problems.AssertAsync(response, HttpStatusCode.NotFound, "session_not_found");
            Assert.DoesNotContain("link-tenant-a", problem.ToString(), StringComparison.Ordinal);
        }

        using (var cloud = await b.PostAsync("/cloud/v21.0/counter/messages",
            new StringContent("""{"messaging_product":"whatsapp","to":"15550001111","type":"text","text":{"body":"x"}}""", Encoding.UTF8, "application/json")))
        {
            var body = await cloud.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, cloud.StatusCode);
            Assert.Equal(33, JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("error_subcode").GetInt32());
            Assert.DoesNotContain("link-tenant-a", body, StringComparison.Ordinal);
        }

        // Nothing B asked reached A's session: no link was started, no event was written after its creation.
        var view = await a.GetFromJsonAsync<JsonElement>("/v1/sessions/counter");
        Assert.Equal("new", view.GetProperty("status").GetString());
        var events = await a.GetFromJsonAsync<JsonElement>("/v1/sessions/counter/events");
        Assert.Equal(view.GetProperty("lastEventSeq").GetInt64(), events.GetProperty("events").GetArrayLength());
        Assert.DoesNotContain(events.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() != "session.status");
    }

    private static HttpRequestMessage Accepting(string mediaType)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/sessions/counter/qr");
        request.Headers.TryAddWithoutValidation("Accept", mediaType);
        return request;
    }
}
