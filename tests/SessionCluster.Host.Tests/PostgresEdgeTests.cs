using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SessionCluster.TestSupport;

namespace SessionCluster.Host.Tests;

/// <summary>On PostgreSQL the edge keeps its tables in the node's database: migrated once, shared by restarts.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresEdgeTests(PostgresServer postgres)
{
    private const string AdminKey = "postgres-edge-admin-key-0123456789abcdefghij";

    [Fact]
    public async Task A_tenant_its_key_and_its_session_made_on_one_node_are_there_after_a_restart_with_migrations_applied_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync(nameof(PostgresEdgeTests));
        string[] args = ["--SC:Persistence:Engine=postgres", $"--SC:Persistence:ConnectionString={connectionString}", $"--SC:Edge:AdminKey={AdminKey}"];
        string key;
        await using (var first = await RunningNode.StartAsync(args))
        {
            first.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            using (var tenant = await first.Http.PostAsJsonAsync("/v1/admin/tenants", new { id = "pg" }))
            {
                Assert.Equal(HttpStatusCode.Created, tenant.StatusCode);
            }

            using var created = await first.Http.PostAsJsonAsync("/v1/admin/tenants/pg/keys", new { name = "k" });
            using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
            key = body.RootElement.GetProperty("key").GetString()!;
            using var withKey = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions") { Content = JsonContent.Create(new { id = "pg-session" }) };
            withKey.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var session = await first.Http.SendAsync(withKey);
            Assert.Equal(HttpStatusCode.Created, session.StatusCode);
        }

        await using (var second = await RunningNode.StartAsync(args))
        {
            second.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var got = await second.Http.GetAsync("/v1/sessions/pg-session");
            Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT name, COUNT(*) FROM edge_migrations GROUP BY name HAVING COUNT(*) <> 1", connection);
        await using var duplicates = await count.ExecuteReaderAsync();
        Assert.False(await duplicates.ReadAsync(), "a migration was recorded twice");
    }
}
