using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SessionCluster.Edge.Tests.Webhooks;

/// <summary>The webhook routes through a real node and HttpClient: create, list, get, delete, bad input, tenant isolation, secrets at rest, the Cloud verify handshake.</summary>
public sealed class WebhookRoutesTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    [Fact]
    public async Task A_webhook_shows_its_generated_secret_once_and_is_listed_read_and_deleted_without_it()
    {
        using var http = await WebhookTestKit.TenantAsync(node.Http, "routes-crud");
        var created = await WebhookTestKit.CreateWebhookAsync(http, "/v1/webhooks", new { url = "https://127.0.0.1:9/hook", events = new[] { "message.*", "session.status" } });
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("wh_", id, StringComparison.Ordinal);
        Assert.StartsWith("whsec_", created.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Equal("event", created.GetProperty("format").GetString());
        Assert.Equal(12, created.GetProperty("retry").GetProperty("attempts").GetInt32());
        Assert.Equal([401, 403, 404, 410, 422], created.GetProperty("nonRetryable").EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal(JsonValueKind.Null, created.GetProperty("session").ValueKind);

        var listed = await http.GetFromJsonAsync<JsonElement>("/v1/webhooks");
        var only = Assert.Single(listed.GetProperty("webhooks").EnumerateArray().ToList());
        Assert.Equal(id, only.GetProperty("id").GetString());
        Assert.False(only.TryGetProperty("secret", out _));
        var read = await http.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{id}");
        Assert.False(read.TryGetProperty("secret", out _));
        Assert.Equal(["message.*", "session.status"], read.GetProperty("events").EnumerateArray().Select(e => e.GetString()));

        // A session's webhooks are apart from the tenant-wide ones.
        using (var session = await http.PostAsJsonAsync("/v1/sessions", new { id = "crud-session" }))
        {
            Assert.Equal(HttpStatusCode.Created, session.StatusCode);
        }

        var scoped = await WebhookTestKit.CreateWebhookAsync(http, "/v1/sessions/crud-session/webhooks", new { url = "http://127.0.0.1:9/x", secret = "a-secret-of-my-own-1234" });
        Assert.Equal("crud-session", scoped.GetProperty("session").GetString());
        Assert.Equal("a-secret-of-my-own-1234", scoped.GetProperty("secret").GetString());
        Assert.Single((await http.GetFromJsonAsync<JsonElement>("/v1/webhooks")).GetProperty("webhooks").EnumerateArray());
        using (var wrongScope = await http.GetAsync($"/v1/webhooks/{scoped.GetProperty("id").GetString()}"))
        {
            await Problems.AssertAsync(wrongScope, HttpStatusCode.NotFound, "webhook_not_found");
        }

        using (var deleted = await http.DeleteAsync($"/v1/webhooks/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var gone = await http.GetAsync($"/v1/webhooks/{id}"))
        {
            await Problems.AssertAsync(gone, HttpStatusCode.NotFound, "webhook_not_found");
        }

        using (var again = await http.DeleteAsync($"/v1/webhooks/{id}"))
        {
            await Problems.AssertAsync(again, HttpStatusCode.NotFound, "webhook_not_found");
        }

        using (var noSession = await http.GetAsync("/v1/sessions/no-such-session/webhooks"))
        {
            await Problems.AssertAsync(noSession, HttpStatusCode.NotFound, "session_not_found");
        }
    }

    [Fact]
    public async Task A_new_secret_is_shown_once_in_the_put_answer_generated_when_none_is_given_and_bad_ones_are_400_and_change_nothing()
    {
        using var http = await WebhookTestKit.TenantAsync(node.Http, "routes-rotate");
        var id = (await WebhookTestKit.CreateWebhookAsync(http, "/v1/webhooks", new { url = "https://127.0.0.1:9/hook", secret = "the-first-secret-1234" })).GetProperty("id").GetString();
        var sealedBefore = await SealedSecretAsync(id!);
        foreach (var body in new[] { "{\"secret\":\"short\"}", $"{{\"secret\":\"{new string('x', 257)}\"}}", "{\"secret\":\"has-a-tab\\tin-it-1234\"}", "{\"other\":1}", "{" })
        {
            using var bad = await http.PutAsync($"/v1/webhooks/{id}/secret", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            await Problems.AssertAsync(bad, HttpStatusCode.BadRequest, "invalid_request");
        }

        Assert.Equal(sealedBefore, await SealedSecretAsync(id!));
        using (var generated = await http.PutAsync($"/v1/webhooks/{id}/secret", null))
        {
            Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
            var answer = await generated.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(id, answer.GetProperty("id").GetString());
            Assert.StartsWith("whsec_", answer.GetProperty("secret").GetString(), StringComparison.Ordinal);
        }

        var sealedAfter = await SealedSecretAsync(id!);
        Assert.NotEqual(sealedBefore, sealedAfter);
        Assert.DoesNotContain("whsec_", sealedAfter, StringComparison.Ordinal);
        var read = await http.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{id}");
        Assert.False(read.TryGetProperty("secret", out _));
        Assert.DoesNotContain("secret", await http.GetStringAsync("/v1/webhooks"), StringComparison.Ordinal);

        // A session's webhook is rotated under its session's path only.
        using (var session = await http.PostAsJsonAsync("/v1/sessions", new { id = "rotate-session" }))
        {
            Assert.Equal(HttpStatusCode.Created, session.StatusCode);
        }

        var scoped = (await WebhookTestKit.CreateWebhookAsync(http, "/v1/sessions/rotate-session/webhooks", new { url = "https://127.0.0.1:9/x" })).GetProperty("id").GetString();
        using (var wrongScope = await http.PutAsJsonAsync($"/v1/webhooks/{scoped}/secret", new { secret = "a-secret-of-my-own-1234" }))
        {
            await Problems.AssertAsync(wrongScope, HttpStatusCode.NotFound, "webhook_not_found");
        }

        using var given = await http.PutAsJsonAsync($"/v1/sessions/rotate-session/webhooks/{scoped}/secret", new { secret = "a-secret-of-my-own-1234" });
        Assert.Equal("a-secret-of-my-own-1234", (await given.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString());
    }

    [Fact]
    public async Task Bad_webhook_input_is_400_invalid_request_and_creates_nothing()
    {
        using var http = await WebhookTestKit.TenantAsync(node.Http, "routes-bad");
        foreach (var body in new object[]
        {
            new { },
            new { url = "not a url" },
            new { url = "/relative/path" },
            new { url = "ftp://example.com/hook" },
            new { url = "https://user:pass@example.com/hook" },
            new { url = "https://example.com/hook", events = Array.Empty<string>() },
            new { url = "https://example.com/hook", events = new[] { "message.unknown" } },
            new { url = "https://example.com/hook", events = new[] { "nothing.*" } },
            new { url = "https://example.com/hook", secret = "short" },
            new { url = "https://example.com/hook", retry = new { attempts = 0 } },
            new { url = "https://example.com/hook", retry = new { attempts = 101 } },
            new { url = "https://example.com/hook", retry = new { initialDelay = 0.01 } },
            new { url = "https://example.com/hook", retry = new { initialDelay = 10, maxDelay = 5 } },
            new { url = "https://example.com/hook", retry = new { jitter = 1.5 } },
            new { url = "https://example.com/hook", nonRetryable = new[] { 200 } },
            new { url = "https://example.com/hook", format = "xml" },
            new { url = "https://example.com/hook", verifyToken = "only-for-cloud" },
            new { url = "https://example.com/hook", unknownField = 1 },
        })
        {
            using var response = await http.PostAsJsonAsync("/v1/webhooks", body);
            await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        }

        using (var notJson = await http.PostAsync("/v1/webhooks", new StringContent("{", System.Text.Encoding.UTF8, "application/json")))
        {
            await Problems.AssertAsync(notJson, HttpStatusCode.BadRequest, "invalid_request");
        }

        Assert.Empty((await http.GetFromJsonAsync<JsonElement>("/v1/webhooks")).GetProperty("webhooks").EnumerateArray());
        var hook = await WebhookTestKit.CreateWebhookAsync(http, "/v1/webhooks", new { url = "https://example.com/hook" });
        foreach (var limit in new[] { "0", "1001", "x" })
        {
            using var response = await http.GetAsync($"/v1/webhooks/{hook.GetProperty("id").GetString()}/dead-letters?limit={limit}");
            await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        }
    }

    [Fact]
    public async Task Another_tenants_key_gets_404_for_every_webhook_route_and_sees_nothing_of_the_first_tenant()
    {
        using var a = await WebhookTestKit.TenantAsync(node.Http, "isolation-a");
        using var b = await WebhookTestKit.TenantAsync(node.Http, "isolation-b");
        using (var session = await a.PostAsJsonAsync("/v1/sessions", new { id = "shared-name" }))
        {
            Assert.Equal(HttpStatusCode.Created, session.StatusCode);
        }

        var tenantWide = (await WebhookTestKit.CreateWebhookAsync(a, "/v1/webhooks", new { url = "https://127.0.0.1:9/a" })).GetProperty("id").GetString();
        var perSession = (await WebhookTestKit.CreateWebhookAsync(a, "/v1/sessions/shared-name/webhooks", new { url = "https://127.0.0.1:9/a" })).GetProperty("id").GetString();

        var listed = await b.GetStringAsync("/v1/webhooks");
        Assert.DoesNotContain(tenantWide!, listed, StringComparison.Ordinal);
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"/v1/webhooks/{tenantWide}"),
            (HttpMethod.Delete, $"/v1/webhooks/{tenantWide}"),
            (HttpMethod.Get, $"/v1/webhooks/{tenantWide}/dead-letters"),
            (HttpMethod.Get, $"/v1/webhooks/{tenantWide}/cursors"),
            (HttpMethod.Post, $"/v1/webhooks/{tenantWide}/dead-letters:replay"),
            (HttpMethod.Post, $"/v1/webhooks/{tenantWide}/dead-letters/dl_0:replay"),
            (HttpMethod.Put, $"/v1/webhooks/{tenantWide}/secret"),
            (HttpMethod.Get, $"/v1/webhooks/{perSession}"),
        })
        {
            using var response = await b.SendAsync(new HttpRequestMessage(method, path));
            var body = await Problems.AssertAsync(response, HttpStatusCode.NotFound, "webhook_not_found");
            Assert.DoesNotContain("127.0.0.1", body.ToString(), StringComparison.Ordinal);
        }

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/v1/sessions/shared-name/webhooks"),
            (HttpMethod.Get, $"/v1/sessions/shared-name/webhooks/{perSession}"),
            (HttpMethod.Delete, $"/v1/sessions/shared-name/webhooks/{perSession}"),
            (HttpMethod.Get, $"/v1/sessions/shared-name/webhooks/{perSession}/dead-letters"),
            (HttpMethod.Post, $"/v1/sessions/shared-name/webhooks/{perSession}/dead-letters:replay"),
            (HttpMethod.Put, $"/v1/sessions/shared-name/webhooks/{perSession}/secret"),
        })
        {
            using var response = await b.SendAsync(new HttpRequestMessage(method, path));
            await Problems.AssertAsync(response, HttpStatusCode.NotFound, "session_not_found");
        }

        // Still there for their owner.
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync($"/v1/webhooks/{tenantWide}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync($"/v1/sessions/shared-name/webhooks/{perSession}")).StatusCode);
    }

    [Fact]
    public async Task A_deleted_sessions_webhooks_go_with_it_and_a_new_session_of_the_same_name_starts_with_none()
    {
        using var http = await WebhookTestKit.TenantAsync(node.Http, "routes-session-deleted");
        using (var created = await http.PostAsJsonAsync("/v1/sessions", new { id = "short-lived" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var id = (await WebhookTestKit.CreateWebhookAsync(http, "/v1/sessions/short-lived/webhooks", new { url = "https://127.0.0.1:9/gone" })).GetProperty("id").GetString();
        var tenantWide = (await WebhookTestKit.CreateWebhookAsync(http, "/v1/webhooks", new { url = "https://127.0.0.1:9/stays" })).GetProperty("id").GetString();
        using (var deleted = await http.DeleteAsync("/v1/sessions/short-lived"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var again = await http.PostAsJsonAsync("/v1/sessions", new { id = "short-lived" }))
        {
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        }

        Assert.Empty((await http.GetFromJsonAsync<JsonElement>("/v1/sessions/short-lived/webhooks")).GetProperty("webhooks").EnumerateArray());
        using (var old = await http.GetAsync($"/v1/sessions/short-lived/webhooks/{id}"))
        {
            await Problems.AssertAsync(old, HttpStatusCode.NotFound, "webhook_not_found");
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/v1/webhooks/{tenantWide}")).StatusCode);
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(node.DataFolder, "edge.db")};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM webhooks WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task The_secret_is_stored_sealed_never_in_plain_text()
    {
        using var http = await WebhookTestKit.TenantAsync(node.Http, "routes-sealed");
        const string secret = "plain-secret-that-must-not-be-stored";
        var id = (await WebhookTestKit.CreateWebhookAsync(http, "/v1/webhooks", new { url = "https://example.com/hook", secret })).GetProperty("id").GetString();

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(node.DataFolder, "edge.db")};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT secret FROM webhooks WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        var stored = (string)(await command.ExecuteScalarAsync())!;
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(secret)), stored, StringComparison.Ordinal);
        Assert.True(Convert.FromBase64String(stored).Length > secret.Length, "the sealed secret is shorter than the secret");
    }

    private async Task<string> SealedSecretAsync(string id)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(node.DataFolder, "edge.db")};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT secret FROM webhooks WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_cloud_webhook_with_a_verify_token_is_created_only_when_the_receiver_echoes_the_challenge()
    {
        using var http = await WebhookTestKit.TenantAsync(node.Http, "routes-verify");
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.VerifyToken = "the-right-token";

        using (var refused = await http.PostAsJsonAsync("/v1/webhooks", new { url = receiver.Url(), format = "cloud", verifyToken = "a-wrong-token" }))
        {
            await Problems.AssertAsync(refused, HttpStatusCode.UnprocessableEntity, "webhook_verification_failed");
        }

        Assert.Empty((await http.GetFromJsonAsync<JsonElement>("/v1/webhooks")).GetProperty("webhooks").EnumerateArray());
        var created = await WebhookTestKit.CreateWebhookAsync(http, "/v1/webhooks", new { url = receiver.Url(), format = "cloud", verifyToken = "the-right-token" });
        Assert.Equal("cloud", created.GetProperty("format").GetString());
        Assert.False(created.TryGetProperty("verifyToken", out _));

        await receiver.DownAsync();
        using var unreachable = await http.PostAsJsonAsync("/v1/webhooks", new { url = receiver.Url(), format = "cloud", verifyToken = "the-right-token" });
        await Problems.AssertAsync(unreachable, HttpStatusCode.UnprocessableEntity, "webhook_verification_failed");
    }
}
