using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using SessionCluster.Edge.Grpc.V1;

namespace SessionCluster.Edge.Tests.Grpc;

/// <summary><c>sessioncluster.v1.Sessions</c> through Grpc.Net.Client against a real node: the same sessions REST shows, the same refusals.</summary>
[Collection(GrpcNodeCollection.Name)]
public sealed class GrpcSessionsTests(EdgeNode node)
{
    [Fact]
    public async Task A_session_is_created_got_listed_and_deleted_over_grpc_and_rest_sees_the_same_session()
    {
        using var grpc = new GrpcCaller(node);

        var created = await grpc.Sessions.CreateAsync(new CreateSessionRequest { Id = "g-crud", DeviceName = "Desk", Platform = "Firefox" }, deadline: GrpcCaller.Deadline);
        Assert.Equal("g-crud", created.Id);
        Assert.Equal("default", created.Tenant);
        Assert.Equal("new", created.Status);
        Assert.False(created.HasJid);
        Assert.True(created.LastEventSeq >= 1);

        var got = await grpc.Sessions.GetAsync(new GetSessionRequest { Id = "g-crud" }, deadline: GrpcCaller.Deadline);
        Assert.Equal((created.Id, created.Status, created.CreatedAt), (got.Id, got.Status, got.CreatedAt));
        var rest = await node.Http.GetFromJsonAsync<JsonElement>("/v1/sessions/g-crud");
        Assert.Equal("new", rest.GetProperty("status").GetString());
        Assert.Equal(created.CreatedAt.ToDateTimeOffset(), rest.GetProperty("createdAt").GetDateTimeOffset());

        var generated = await grpc.Sessions.CreateAsync(new CreateSessionRequest(), deadline: GrpcCaller.Deadline);
        Assert.StartsWith("s-", generated.Id, StringComparison.Ordinal);

        var all = await grpc.Sessions.ListAsync(new ListSessionsRequest(), deadline: GrpcCaller.Deadline);
        Assert.Contains(all.Sessions, s => s.Id == "g-crud");
        Assert.Contains(all.Sessions, s => s.Id == generated.Id);
        Assert.False(all.HasNext);
        var onlyNew = await grpc.Sessions.ListAsync(new ListSessionsRequest { Status = "connected" }, deadline: GrpcCaller.Deadline);
        Assert.DoesNotContain(onlyNew.Sessions, s => s.Id == "g-crud");

        var first = await grpc.Sessions.ListAsync(new ListSessionsRequest { Limit = 1 }, deadline: GrpcCaller.Deadline);
        var one = Assert.Single(first.Sessions);
        Assert.Equal(one.Id, first.Next);
        var second = await grpc.Sessions.ListAsync(new ListSessionsRequest { Limit = 1, Cursor = first.Next }, deadline: GrpcCaller.Deadline);
        Assert.True(string.CompareOrdinal(Assert.Single(second.Sessions).Id, one.Id) > 0);

        await GrpcErrors.AssertAsync(() => grpc.Sessions.CreateAsync(new CreateSessionRequest { Id = "g-crud" }).ResponseAsync, StatusCode.AlreadyExists, "session_exists");

        await grpc.Sessions.DeleteAsync(new DeleteSessionRequest { Id = "g-crud" }, deadline: GrpcCaller.Deadline);
        await GrpcErrors.AssertAsync(() => grpc.Sessions.GetAsync(new GetSessionRequest { Id = "g-crud" }).ResponseAsync, StatusCode.NotFound, "session_not_found");
        using var gone = await node.Http.GetAsync("/v1/sessions/g-crud");
        await Problems.AssertAsync(gone, HttpStatusCode.NotFound, "session_not_found");
        await GrpcErrors.AssertAsync(() => grpc.Sessions.DeleteAsync(new DeleteSessionRequest { Id = "g-crud" }).ResponseAsync, StatusCode.NotFound, "session_not_found");
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("-leading-dash")]
    [InlineData("")]
    [InlineData("a-very-long-id-that-is-longer-than-sixty-four-characters-in-total-x")]
    public async Task A_bad_session_id_is_invalid_argument_on_every_call(string id)
    {
        using var grpc = new GrpcCaller(node);

        await GrpcErrors.AssertAsync(() => grpc.Sessions.CreateAsync(new CreateSessionRequest { Id = id }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.Sessions.GetAsync(new GetSessionRequest { Id = id }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.Sessions.DeleteAsync(new DeleteSessionRequest { Id = id }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.Sessions.GetQrAsync(new GetQrRequest { Session = id }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.Messages.GetAsync(new GetMessageRequest { Session = id, Id = "ABC" }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(
            () => grpc.Messages.SendAsync(new SendMessageRequest { Session = id, IdempotencyKey = "k", To = "15550000000", Type = "text", Text = "x" }).ResponseAsync,
            StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.ReadUntilAsync(new SubscribeRequest { Sessions = { id } }, _ => false, "a refusal"), StatusCode.InvalidArgument, "invalid_request");
    }

    [Fact]
    public async Task Bad_create_fields_and_list_paging_are_invalid_argument()
    {
        using var grpc = new GrpcCaller(node);

        await GrpcErrors.AssertAsync(() => grpc.Sessions.CreateAsync(new CreateSessionRequest { Id = "g-bad-name", DeviceName = "" }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.Sessions.CreateAsync(new CreateSessionRequest { Id = "g-bad-name", Platform = "\u0001" }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.Sessions.ListAsync(new ListSessionsRequest { Limit = 501 }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.Sessions.ListAsync(new ListSessionsRequest { Limit = -1 }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.Sessions.ListAsync(new ListSessionsRequest { Cursor = "not a cursor" }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        await GrpcErrors.AssertAsync(() => grpc.Sessions.GetAsync(new GetSessionRequest { Id = "g-bad-name" }).ResponseAsync, StatusCode.NotFound, "session_not_found");
    }

    [Fact]
    public async Task Unknown_sessions_are_not_found_on_every_call_without_retry_information()
    {
        using var grpc = new GrpcCaller(node);

        var e = await GrpcErrors.AssertAsync(() => grpc.Sessions.GetAsync(new GetSessionRequest { Id = "g-nobody" }).ResponseAsync, StatusCode.NotFound, "session_not_found");
        Assert.True(GrpcErrors.HasNoRetry(e));
        await GrpcErrors.AssertAsync(() => grpc.Sessions.GetQrAsync(new GetQrRequest { Session = "g-nobody" }).ResponseAsync, StatusCode.NotFound, "session_not_found");
        await GrpcErrors.AssertAsync(() => grpc.Messages.GetAsync(new GetMessageRequest { Session = "g-nobody", Id = "ABC" }).ResponseAsync, StatusCode.NotFound, "session_not_found");
        await GrpcErrors.AssertAsync(
            () => grpc.Messages.SendAsync(new SendMessageRequest { Session = "g-nobody", IdempotencyKey = "k", To = "15550000000", Type = "text", Text = "x" }).ResponseAsync,
            StatusCode.NotFound, "session_not_found");
        await GrpcErrors.AssertAsync(() => grpc.ReadUntilAsync(new SubscribeRequest { Sessions = { "g-nobody" } }, _ => false, "a refusal"), StatusCode.NotFound, "session_not_found");
    }
}
