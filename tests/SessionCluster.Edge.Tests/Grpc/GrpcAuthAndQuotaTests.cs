using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using SessionCluster.Edge.Grpc.V1;

namespace SessionCluster.Edge.Tests.Grpc;

/// <summary>
/// The bearer keys and tenant scoping of REST on gRPC: no key or a bad one is UNAUTHENTICATED, a key that asks for
/// another tenant is PERMISSION_DENIED, another tenant's session is NOT_FOUND exactly like a missing one (and never in
/// a list or a stream), and the quotas are RESOURCE_EXHAUSTED with the retry delay.
/// </summary>
[Collection(GrpcNodeCollection.Name)]
public sealed class GrpcAuthAndQuotaTests(EdgeNode node)
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    [InlineData(EdgeNode.AdminKey + "x")]
    [InlineData("sck_0123456789ab_notarealsecret")]
    public async Task No_key_or_a_bad_key_is_unauthenticated_on_every_service(string? key)
    {
        using var grpc = new GrpcCaller(node, key);

        await GrpcErrors.AssertAsync(() => grpc.Sessions.ListAsync(new ListSessionsRequest()).ResponseAsync, StatusCode.Unauthenticated, "unauthorized");
        await GrpcErrors.AssertAsync(() => grpc.Sessions.CreateAsync(new CreateSessionRequest { Id = "g-anon" }).ResponseAsync, StatusCode.Unauthenticated, "unauthorized");
        await GrpcErrors.AssertAsync(() => grpc.Messages.GetAsync(new GetMessageRequest { Session = "g-anon", Id = "A" }).ResponseAsync, StatusCode.Unauthenticated, "unauthorized");
        await GrpcErrors.AssertAsync(() => grpc.ReadUntilAsync(new SubscribeRequest(), _ => false, "a refusal"), StatusCode.Unauthenticated, "unauthorized");
        await GrpcErrors.AssertAsync(() => grpc.Chats.ArchiveAsync(new ChatRequest { Session = "g-anon", Chat = "15550000000@s.whatsapp.net" }).ResponseAsync, StatusCode.Unauthenticated, "unauthorized");
        // A client-streaming call is checked before any chunk is read.
        using (var upload = grpc.Uploads.Upload(deadline: GrpcCaller.Deadline))
        {
            await upload.RequestStream.CompleteAsync();
            await GrpcErrors.AssertAsync(() => upload.ResponseAsync, StatusCode.Unauthenticated, "unauthorized");
        }

        using var rest = await node.Http.GetAsync("/v1/sessions/g-anon");
        await Problems.AssertAsync(rest, HttpStatusCode.NotFound, "session_not_found");
    }

    [Fact]
    public async Task A_tenant_key_sees_only_its_tenant_another_tenants_session_is_not_found_and_asking_for_another_tenant_is_permission_denied()
    {
        var keyA = await CreateTenantAsync("g-tenant-a", maxSessions: null, messagesPerSecond: null);
        var keyB = await CreateTenantAsync("g-tenant-b", maxSessions: null, messagesPerSecond: null);
        using var a = new GrpcCaller(node, keyA);
        using var b = new GrpcCaller(node, keyB);
        var secret = await a.Sessions.CreateAsync(new CreateSessionRequest { Id = "g-secret" }, deadline: GrpcCaller.Deadline);
        Assert.Equal("g-tenant-a", secret.Tenant);
        await b.Sessions.CreateAsync(new CreateSessionRequest { Id = "g-own" }, deadline: GrpcCaller.Deadline);

        // B guesses A's id: the same answer as for an id nobody has.
        var guessed = await GrpcErrors.AssertAsync(() => b.Sessions.GetAsync(new GetSessionRequest { Id = "g-secret" }).ResponseAsync, StatusCode.NotFound, "session_not_found");
        var missing = await GrpcErrors.AssertAsync(() => b.Sessions.GetAsync(new GetSessionRequest { Id = "g-missing" }).ResponseAsync, StatusCode.NotFound, "session_not_found");
        Assert.Equal(missing.Status.Detail.Replace("g-missing", "g-secret", StringComparison.Ordinal), guessed.Status.Detail);
        await GrpcErrors.AssertAsync(() => b.Sessions.DeleteAsync(new DeleteSessionRequest { Id = "g-secret" }).ResponseAsync, StatusCode.NotFound, "session_not_found");
        await GrpcErrors.AssertAsync(() => b.Sessions.GetQrAsync(new GetQrRequest { Session = "g-secret" }).ResponseAsync, StatusCode.NotFound, "session_not_found");
        await GrpcErrors.AssertAsync(
            () => b.Messages.SendAsync(new SendMessageRequest { Session = "g-secret", IdempotencyKey = "k", To = "15550000000", Type = "text", Text = "x" }).ResponseAsync,
            StatusCode.NotFound, "session_not_found");
        await GrpcErrors.AssertAsync(() => b.Messages.GetAsync(new GetMessageRequest { Session = "g-secret", Id = "ABC" }).ResponseAsync, StatusCode.NotFound, "session_not_found");
        await GrpcErrors.AssertAsync(() => b.ReadUntilAsync(new SubscribeRequest { Sessions = { "g-secret" } }, _ => false, "a refusal"), StatusCode.NotFound, "session_not_found");

        var listed = await b.Sessions.ListAsync(new ListSessionsRequest(), deadline: GrpcCaller.Deadline);
        Assert.Equal(new[] { "g-own" }, listed.Sessions.Select(s => s.Id));

        // B's whole-tenant stream, even told where A's session is, gives B's events only.
        var streamed = await b.ReadUntilAsync(new SubscribeRequest { After = { ["g-secret"] = 0 } }, read => read.Count >= 1, "g-own's first event");
        Assert.All(streamed, e => Assert.Equal("g-own", e.Session));

        // A key that names a tenant (its own or another) is refused, as REST refuses X-Tenant-Id with an API key.
        using var asksForA = new GrpcCaller(node, keyB, tenant: "g-tenant-a");
        await GrpcErrors.AssertAsync(() => asksForA.Sessions.GetAsync(new GetSessionRequest { Id = "g-secret" }).ResponseAsync, StatusCode.PermissionDenied, "forbidden");
        await GrpcErrors.AssertAsync(() => asksForA.ReadUntilAsync(new SubscribeRequest(), _ => false, "a refusal"), StatusCode.PermissionDenied, "forbidden");

        // The admin key acts in the tenant it names.
        using var admin = new GrpcCaller(node, EdgeNode.AdminKey, tenant: "g-tenant-a");
        Assert.Equal("g-tenant-a", (await admin.Sessions.GetAsync(new GetSessionRequest { Id = "g-secret" }, deadline: GrpcCaller.Deadline)).Tenant);
    }

    [Fact]
    public async Task The_sessions_quota_is_resource_exhausted_with_retry_information()
    {
        using var grpc = new GrpcCaller(node, await CreateTenantAsync("g-quota-sessions", maxSessions: 1, messagesPerSecond: null));
        await grpc.Sessions.CreateAsync(new CreateSessionRequest { Id = "g-first" }, deadline: GrpcCaller.Deadline);

        var e = await GrpcErrors.AssertAsync(() => grpc.Sessions.CreateAsync(new CreateSessionRequest { Id = "g-second" }).ResponseAsync, StatusCode.ResourceExhausted, "session_quota_exceeded");

        Assert.Equal(TimeSpan.FromMinutes(1), GrpcErrors.RetryAfter(e));
        await GrpcErrors.AssertAsync(() => grpc.Sessions.GetAsync(new GetSessionRequest { Id = "g-second" }).ResponseAsync, StatusCode.NotFound, "session_not_found");
    }

    [Fact]
    public async Task The_send_rate_quota_is_resource_exhausted_with_the_wait_in_retry_information()
    {
        using var grpc = new GrpcCaller(node, await CreateTenantAsync("g-quota-rate", maxSessions: null, messagesPerSecond: 1));
        await grpc.Sessions.CreateAsync(new CreateSessionRequest { Id = "g-rate" }, deadline: GrpcCaller.Deadline);
        var send = new SendMessageRequest { Session = "g-rate", IdempotencyKey = "k", To = "15550000000", Type = "text", Text = "x" };

        // The first send takes the one token and reaches the session, which is not linked; the second finds none left.
        await GrpcErrors.AssertAsync(() => grpc.Messages.SendAsync(send).ResponseAsync, StatusCode.FailedPrecondition, "session_not_linked");
        var e = await GrpcErrors.AssertAsync(() => grpc.Messages.SendAsync(send).ResponseAsync, StatusCode.ResourceExhausted, "rate_limited");

        Assert.Equal(TimeSpan.FromSeconds(1), GrpcErrors.RetryAfter(e));
    }

    /// <summary>A tenant made by the admin over REST, and the plaintext of a new API key for it.</summary>
    private async Task<string> CreateTenantAsync(string id, int? maxSessions, int? messagesPerSecond)
    {
        using var tenant = await node.Http.PostAsJsonAsync("/v1/admin/tenants", new { id, name = id, maxSessions, messagesPerSecond });
        Assert.True(tenant.StatusCode == HttpStatusCode.Created, $"tenant {id}: {(int)tenant.StatusCode} {await tenant.Content.ReadAsStringAsync()}");
        using var key = await node.Http.PostAsJsonAsync($"/v1/admin/tenants/{id}/keys", new { name = "grpc" });
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        return (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }
}
