using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace SessionCluster.Edge.Tests.Chats;

/// <summary>
/// A node whose retention sweep runs every second, with the store tests' helpers: linking a session to a simulator
/// phone, a phone sending texts, reading the store's pages, tenants with their own keys, and the edge database itself
/// (to plant aged rows and to see what a deletion left).
/// </summary>
public sealed class StoreNode : IAsyncLifetime
{
    public EdgeNode Node { get; } = new() { ExtraArgs = ["--SC:Edge:RetentionSweepInterval=00:00:01"] };

    public HttpClient Http => Node.Http;

    public Task InitializeAsync() => Node.InitializeAsync();

    public Task DisposeAsync() => Node.DisposeAsync();

    /// <summary>Creates <paramref name="id"/> through <paramref name="http"/> and links it to <paramref name="phone"/> (a new simulator account) by its QR.</summary>
    public async Task LinkAsync(HttpClient http, string id, string phone)
    {
        await SimulatorPhones.CreateAccountAsync(Node.Simulator, phone);
        using (var created = await http.PostAsJsonAsync("/v1/sessions", new { id }))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"create {id}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        var qr = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{id}/qr");
        await SimulatorPhones.ScanAsync(Node.Simulator, phone, qr.GetProperty("qr").GetString()!);
        await WaitAsync(async () => (await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{id}")).GetProperty("status").GetString() == "connected", $"{id} to connect");
    }

    /// <summary>The simulator phone <paramref name="phone"/> sends a text to <paramref name="to"/>; its message id.</summary>
    public async Task<string> PhoneSendsAsync(string phone, string to, string text)
    {
        using var http = new HttpClient { Timeout = EdgeNode.Deadline };
        using var response = await http.PostAsJsonAsync($"{Node.Simulator.AdminUrl}/accounts/{phone}/messages", new { to, text });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"phone {phone} send: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The session sends a text through the API; the message id.</summary>
    public async Task<string> SessionSendsAsync(HttpClient http, string id, string to, string text, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{id}/messages") { Content = JsonContent.Create(new { to, type = "text", text }) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"send: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>A new tenant (with <paramref name="retentionDays"/>) and a client that sends one of its API keys.</summary>
    public async Task<HttpClient> TenantAsync(string tenant, int? retentionDays)
    {
        using (var created = await Http.PostAsJsonAsync("/v1/admin/tenants", new { id = tenant, retentionDays }))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"tenant {tenant}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }

        using var key = await Http.PostAsJsonAsync($"/v1/admin/tenants/{tenant}/keys", new { name = "store-tests" });
        var secret = (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var client = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = EdgeNode.Deadline };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    /// <summary>Every message of a chat, read newest page first with <c>before</c> until <c>hasOlder</c> is false; the pages as read.</summary>
    public async Task<List<JsonElement>> PagesBackwardAsync(HttpClient http, string id, string chat, int limit)
    {
        var pages = new List<JsonElement>();
        var url = $"/v1/sessions/{id}/chats/{chat}/messages?limit={limit}";
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonElement>(url);
            pages.Add(page);
            if (!page.GetProperty("hasOlder").GetBoolean())
            {
                return pages;
            }

            Assert.True(pages.Count <= 10_000 / limit, "paging backward does not end");
            url = $"/v1/sessions/{id}/chats/{chat}/messages?limit={limit}&before={page.GetProperty("older").GetString()}";
        }
    }

    /// <summary>Every message of a chat from the oldest, read with <c>after</c> until <c>hasNewer</c> is false.</summary>
    public async Task<List<JsonElement>> PagesForwardAsync(HttpClient http, string id, string chat, string afterOldest, int limit)
    {
        var pages = new List<JsonElement>();
        var after = afterOldest;
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{id}/chats/{chat}/messages?limit={limit}&after={after}");
            pages.Add(page);
            if (!page.GetProperty("hasNewer").GetBoolean())
            {
                return pages;
            }

            Assert.True(pages.Count <= 10_000 / limit, "paging forward does not end");
            after = page.GetProperty("newer").GetString()!;
        }
    }

    /// <summary>The node's edge database (SQLite, WAL: readable and writable beside the node).</summary>
    public async Task<SqliteConnection> OpenDatabaseAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(Node.DataFolder, "edge.db"), Pooling = false, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The actor id behind a tenant's session (what the store's rows are keyed by).</summary>
    public async Task<string> ActorIdAsync(string tenant, string id)
    {
        await using var connection = await OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT actor_id FROM sessions WHERE tenant_id = @tenant AND id = @id AND deleted_at IS NULL";
        command.Parameters.AddWithValue("@tenant", tenant);
        command.Parameters.AddWithValue("@id", id);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls until <paramref name="done"/>; fails after <see cref="EdgeNode.Deadline"/> (a deadline, not a speed claim).</summary>
    public static async Task WaitAsync(Func<Task<bool>> done, string what, Func<string>? seen = null)
    {
        var until = DateTime.UtcNow + EdgeNode.Deadline;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < until, $"Waited {EdgeNode.Deadline} for {what}; seen: {seen?.Invoke() ?? "-"}");
            await Task.Delay(200);
        }
    }
}
