using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SessionCluster.Edge.Tests;

/// <summary>Tenants, their API keys, and what a key may see: its own tenant's sessions and nothing of another's.</summary>
public sealed class TenancyTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    [Fact]
    public async Task The_admin_creates_a_tenant_and_a_key_shown_once_then_listed_without_its_secret()
    {
        using var created = await node.Http.PostAsJsonAsync("/v1/admin/tenants", new { id = "acme", name = "Acme", maxSessions = 5, messagesPerSecond = 20, retentionDays = 30 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using (var tenant = JsonDocument.Parse(await created.Content.ReadAsStringAsync()))
        {
            Assert.Equal("Acme", tenant.RootElement.GetProperty("name").GetString());
            Assert.Equal(5, tenant.RootElement.GetProperty("maxSessions").GetInt32());
        }

        using var again = await node.Http.PostAsJsonAsync("/v1/admin/tenants", new { id = "acme" });
        await Problems.AssertAsync(again, HttpStatusCode.Conflict, "tenant_exists");

        using var key = await node.Http.PostAsJsonAsync("/v1/admin/tenants/acme/keys", new { name = "crm" });
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        using var keyBody = JsonDocument.Parse(await key.Content.ReadAsStringAsync());
        var plaintext = keyBody.RootElement.GetProperty("key").GetString()!;
        var keyId = keyBody.RootElement.GetProperty("id").GetString()!;
        Assert.StartsWith("sck_" + keyId + "_", plaintext);

        var listed = await node.Http.GetStringAsync("/v1/admin/tenants/acme/keys");
        Assert.Contains(keyId, listed);
        Assert.DoesNotContain(plaintext[(plaintext.LastIndexOf('_') + 1)..], listed);
        Assert.DoesNotContain("argon2", listed);
        Assert.DoesNotContain("hash", listed, StringComparison.OrdinalIgnoreCase);

        // Only the hash is stored: the edge's database holds no copy of the key.
        var database = await File.ReadAllBytesAsync(Path.Combine(node.DataFolder, "edge.db"));
        var wal = Path.Combine(node.DataFolder, "edge.db-wal");
        var stored = System.Text.Encoding.ASCII.GetString(database) + (File.Exists(wal) ? System.Text.Encoding.ASCII.GetString(await ReadSharedAsync(wal)) : "");
        Assert.DoesNotContain(plaintext, stored);
        Assert.Contains("$argon2id$", stored);
    }

    [Fact]
    public async Task A_key_works_until_revoked_then_is_refused_401()
    {
        using var client = await node.TenantClientAsync("revoking");
        using (var ok = await client.GetAsync("/v1/sessions"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var keys = JsonDocument.Parse(await node.Http.GetStringAsync("/v1/admin/tenants/revoking/keys"));
        var keyId = keys.RootElement[0].GetProperty("id").GetString();
        using (var revoked = await node.Http.DeleteAsync($"/v1/admin/tenants/revoking/keys/{keyId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        using var refused = await client.GetAsync("/v1/sessions");
        await Problems.AssertAsync(refused, HttpStatusCode.Unauthorized, "unauthorized");
        using var revokedAgain = await node.Http.DeleteAsync($"/v1/admin/tenants/revoking/keys/{keyId}");
        await Problems.AssertAsync(revokedAgain, HttpStatusCode.NotFound, "key_not_found");
    }

    [Theory]
    [InlineData("sck_0123456789ab_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sck_short_x")]
    [InlineData("sck_")]
    public async Task A_made_up_api_key_is_refused_401(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/sessions");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await node.Anonymous.SendAsync(request);
        await Problems.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task An_api_key_cannot_use_admin_routes_nor_pick_a_tenant()
    {
        using var client = await node.TenantClientAsync("plain");
        using var admin = await client.GetAsync("/v1/admin/tenants");
        await Problems.AssertAsync(admin, HttpStatusCode.Forbidden, "forbidden");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/sessions");
        request.Headers.Add("X-Tenant-Id", "default");
        using var picked = await client.SendAsync(request);
        await Problems.AssertAsync(picked, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Another_tenants_session_is_a_404_on_every_route_and_absent_from_lists()
    {
        using var a = await node.TenantClientAsync("tenant-a");
        using var b = await node.TenantClientAsync("tenant-b");
        using (var created = await a.PostAsJsonAsync("/v1/sessions", new { id = "shop" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        foreach (var (method, path) in new[]
                 {
                     ("GET", "/v1/sessions/shop"), ("DELETE", "/v1/sessions/shop"), ("GET", "/v1/sessions/shop/qr"),
                     ("GET", "/v1/sessions/shop/events"), ("GET", "/v1/sessions/shop/messages/3EB0ABCDEF"),
                 })
        {
            using var response = await b.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            var problem = await Problems.AssertAsync(response, HttpStatusCode.NotFound, "session_not_found");
            Assert.DoesNotContain("tenant-a", problem.ToString());
        }

        using var send = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions/shop/messages") { Content = JsonContent.Create(new { to = "+15550001111", type = "text", text = "hi" }) };
        send.Headers.Add("Idempotency-Key", "k1");
        using var sent = await b.SendAsync(send);
        await Problems.AssertAsync(sent, HttpStatusCode.NotFound, "session_not_found");

        Assert.DoesNotContain("shop", await b.GetStringAsync("/v1/sessions"));
        Assert.Contains("\"shop\"", await a.GetStringAsync("/v1/sessions"));

        // The same name in tenant B is another session: B's create succeeds and A's session is untouched.
        using (var own = await b.PostAsJsonAsync("/v1/sessions", new { id = "shop" }))
        {
            Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        }

        using (var deleted = await b.DeleteAsync("/v1/sessions/shop"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var stillThere = await a.GetAsync("/v1/sessions/shop");
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    [Fact]
    public async Task The_admin_acts_in_the_tenant_it_names_and_an_unknown_tenant_is_404()
    {
        using var a = await node.TenantClientAsync("named");
        using (var created = await a.PostAsJsonAsync("/v1/sessions", new { id = "desk" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var inDefault = await node.Http.GetAsync("/v1/sessions/desk");
        await Problems.AssertAsync(inDefault, HttpStatusCode.NotFound, "session_not_found");

        using var named = new HttpRequestMessage(HttpMethod.Get, "/v1/sessions/desk");
        named.Headers.Add("X-Tenant-Id", "named");
        using var found = await node.Http.SendAsync(named);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);

        using var unknown = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions") { Content = JsonContent.Create(new { id = "x" }) };
        unknown.Headers.Add("X-Tenant-Id", "nobody");
        using var refused = await node.Http.SendAsync(unknown);
        await Problems.AssertAsync(refused, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task A_tenant_over_its_sessions_quota_gets_429_with_retry_after()
    {
        using var client = await node.TenantClientAsync("small", maxSessions: 2);
        for (var i = 0; i < 2; i++)
        {
            using var ok = await client.PostAsJsonAsync("/v1/sessions", new { id = $"s{i}" });
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }

        using var third = await client.PostAsJsonAsync("/v1/sessions", new { id = "s2" });
        await Problems.AssertAsync(third, (HttpStatusCode)429, "session_quota_exceeded");
        Assert.True(third.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        using (var deleted = await client.DeleteAsync("/v1/sessions/s0"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var afterDelete = await client.PostAsJsonAsync("/v1/sessions", new { id = "s2" });
        Assert.Equal(HttpStatusCode.Created, afterDelete.StatusCode);
    }

    [Fact]
    public async Task A_tenant_over_its_messages_per_second_gets_429_with_retry_after_before_the_session_is_asked()
    {
        using var client = await node.TenantClientAsync("chatty", messagesPerSecond: 2);
        using (var created = await client.PostAsJsonAsync("/v1/sessions", new { id = "unlinked" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // The session is not linked, so an admitted send is a 409; the third within the second is refused first.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 3; i++)
        {
            using var send = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions/unlinked/messages") { Content = JsonContent.Create(new { to = "+15550001111", type = "text", text = "hi" }) };
            send.Headers.Add("Idempotency-Key", $"rate-{i}");
            var response = await client.SendAsync(send);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == (HttpStatusCode)429)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.Equal([HttpStatusCode.Conflict, HttpStatusCode.Conflict, (HttpStatusCode)429], statuses);
        await Problems.AssertAsync(limited!, (HttpStatusCode)429, "rate_limited");
        Assert.True(limited!.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        limited.Dispose();
    }

    [Theory]
    [InlineData("{\"id\":\"Bad_Id\"}")]
    [InlineData("{\"id\":\"ok\",\"maxSessions\":-1}")]
    [InlineData("{\"id\":\"ok\",\"messagesPerSecond\":0}")]
    [InlineData("{\"id\":\"ok\",\"retentionDays\":-2}")]
    [InlineData("{\"name\":\"no id\"}")]
    [InlineData("{\"id\":\"ok\",\"unknown\":1}")]
    public async Task Bad_tenant_input_is_a_400_and_creates_nothing(string json)
    {
        using var response = await node.Http.PostAsync("/v1/admin/tenants", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        using var missing = await node.Http.GetAsync("/v1/admin/tenants/ok");
        await Problems.AssertAsync(missing, HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task The_admin_updates_a_tenants_quota_and_it_applies_at_once()
    {
        using var client = await node.TenantClientAsync("growing", maxSessions: 0);
        using (var refused = await client.PostAsJsonAsync("/v1/sessions", new { id = "one" }))
        {
            await Problems.AssertAsync(refused, (HttpStatusCode)429, "session_quota_exceeded");
        }

        using (var patched = await node.Http.PatchAsJsonAsync("/v1/admin/tenants/growing", new { maxSessions = 1 }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        using var created = await client.PostAsJsonAsync("/v1/sessions", new { id = "one" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }
}
