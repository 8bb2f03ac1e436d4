using Grpc.Core;
using SessionCluster.Edge.Grpc.V1;

namespace SessionCluster.Edge.Tests.Grpc;

/// <summary>
/// A session that cannot answer in time is UNAVAILABLE with retry information (REST's 504 <c>timeout</c>): here a node
/// whose WhatsApp server refuses connections, so a link never shows a QR within <c>SC:Edge:QrWait</c>.
/// </summary>
public sealed class GrpcTimeoutTests : IAsyncLifetime
{
    private readonly EdgeNode _node = new("--SC:WhatsApp:ServerUrl=ws://127.0.0.1:1/ws", "--SC:Edge:QrWait=00:00:01");

    public Task InitializeAsync() => _node.InitializeAsync();

    public Task DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public async Task A_qr_that_does_not_come_in_time_is_unavailable_with_retry_information_and_the_session_stays()
    {
        using var grpc = new GrpcCaller(_node);
        await grpc.Sessions.CreateAsync(new CreateSessionRequest { Id = "g-unreachable" }, deadline: GrpcCaller.Deadline);

        var e = await GrpcErrors.AssertAsync(() => grpc.Sessions.GetQrAsync(new GetQrRequest { Session = "g-unreachable" }).ResponseAsync, StatusCode.Unavailable, "timeout");

        Assert.Equal(TimeSpan.FromSeconds(1), GrpcErrors.RetryAfter(e));
        Assert.Equal("g-unreachable", (await grpc.Sessions.GetAsync(new GetSessionRequest { Id = "g-unreachable" }, deadline: GrpcCaller.Deadline)).Id);
    }
}

/// <summary>
/// A session ask that outlives <c>SC:Edge:AskTimeout</c> is UNAVAILABLE with retry information (REST's 504 <c>timeout</c>):
/// here a node that allows 1 ms, which the first create on a fresh node (a new shard, a new actor recovering from its
/// journal, a journal write, code run for the first time) never meets.
/// </summary>
public sealed class GrpcAskTimeoutTests : IAsyncLifetime
{
    private readonly EdgeNode _node = new("--SC:Edge:AskTimeout=00:00:00.001");

    public Task InitializeAsync() => _node.InitializeAsync();

    public Task DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public async Task A_session_that_does_not_answer_within_the_ask_timeout_is_unavailable_with_retry_information()
    {
        using var grpc = new GrpcCaller(_node);

        var e = await GrpcErrors.AssertAsync(() => grpc.Sessions.CreateAsync(new CreateSessionRequest { Id = "g-slow" }).ResponseAsync, StatusCode.Unavailable, "timeout");

        Assert.Equal(TimeSpan.FromSeconds(1), GrpcErrors.RetryAfter(e));
        Assert.Contains("idempotency_key", e.Status.Detail, StringComparison.Ordinal);
    }
}
