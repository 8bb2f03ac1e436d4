using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using SessionCluster.Edge.Grpc;
using SessionCluster.Edge.Grpc.V1;
using SessionCluster.Interop.Tests.Infrastructure;

namespace SessionCluster.Edge.Tests.Grpc;

/// <summary>
/// @grpc/grpc-js 1.14.7 (tests/Interop/grpc-client-peer.mjs, installed from the lockfile) against a real node on its
/// one cleartext HTTP port: sessions, a send through a session linked with the simulator's phone, and
/// <c>Events.Subscribe</c> cut and resumed from a sequence number with no gap and no duplicate. Also the measurement
/// behind the one port: grpc-js cannot reach a stock Kestrel <see cref="HttpProtocols.Http1AndHttp2"/> cleartext
/// endpoint, and reaches the same endpoint with <see cref="CleartextHttp2"/>.
/// </summary>
[Trait("Category", "Interop")]
public sealed class GrpcJsInteropTests : IAsyncLifetime
{
    private const string Owner = "15550041001";
    private const string Friend = "15550041002";
    private const string Session = "js-linked";

    private readonly EdgeNode _node = new();
    private NodePeer _peer = null!;

    public async Task InitializeAsync()
    {
        await _node.InitializeAsync();
        _peer = await NodePeer.StartAsync("grpc-client-peer.mjs");
    }

    public async Task DisposeAsync()
    {
        await _peer.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task Grpc_js_creates_a_session_sends_a_text_and_resumes_events_from_a_sequence_number_after_the_stream_is_cut()
    {
        await ConnectAsync("node", _node.Http.BaseAddress!, EdgeNode.AdminKey);
        await SimulatorPhones.CreateAccountAsync(_node.Simulator, Owner);
        await SimulatorPhones.CreateAccountAsync(_node.Simulator, Friend);

        var created = Ok(await CallAsync("createSession", new { via = "node", id = Session }));
        Assert.Equal((Session, "default", "new"), (created.GetProperty("id").GetString(), created.GetProperty("tenant").GetString(), created.GetProperty("status").GetString()));
        Assert.Equal(Session, Ok(await CallAsync("getSession", new { via = "node", id = Session })).GetProperty("id").GetString());
        Assert.Contains(Ok(await CallAsync("listSessions", new { via = "node" })).GetProperty("sessions").EnumerateArray(), s => s.GetProperty("id").GetString() == Session);
        AssertError(await CallAsync("createSession", new { via = "node", id = Session }), StatusCode.AlreadyExists, "session_exists");
        AssertError(await CallAsync("getSession", new { via = "node", id = "js-nobody" }), StatusCode.NotFound, "session_not_found");
        AssertError(await CallAsync("sendText", new { via = "node", session = Session, idempotencyKey = "", to = Friend, text = "x" }), StatusCode.InvalidArgument, "invalid_request");

        var qr = Ok(await CallAsync("getQr", new { via = "node", session = Session })).GetProperty("qr").GetString()!;
        await SimulatorPhones.ScanAsync(_node.Simulator, Owner, qr);

        // Read until the session is connected, then cut the stream.
        var first = Events(Ok(await CallAsync("subscribe", new { via = "node", sessions = new[] { Session }, untilType = "session.status", untilPayload = new { status = "connected" } })));
        AssertGapless(first, from: 1);
        var last = first[^1].Seq;

        var sent = Ok(await CallAsync("sendText", new { via = "node", session = Session, idempotencyKey = "js-1", to = "+" + Friend, text = "hello from grpc-js" }));
        var id = sent.GetProperty("id").GetString()!;
        Assert.Equal("accepted", sent.GetProperty("status").GetString());
        Assert.Equal(id, Ok(await CallAsync("sendText", new { via = "node", session = Session, idempotencyKey = "js-1", to = "+" + Friend, text = "hello from grpc-js" })).GetProperty("id").GetString());

        // Resumed from the last seq read: one event, cut again, then resumed from that one until the text is delivered.
        var second = Events(Ok(await CallAsync("subscribe", new { via = "node", sessions = new[] { Session }, after = new Dictionary<string, long> { [Session] = last }, count = 1 })));
        var third = Events(Ok(await CallAsync("subscribe", new
        {
            via = "node",
            sessions = new[] { Session },
            after = new Dictionary<string, long> { [Session] = second[^1].Seq },
            untilType = "message.status",
            untilPayload = new { id, status = "delivered" },
        })));
        var resumed = second.Concat(third).ToList();
        AssertGapless(resumed, from: last + 1);
        var stored = (await _node.EventsAsync(Session)).Select(e => (e.GetProperty("seq").GetInt64(), e.GetProperty("id").GetString()!, e.GetProperty("type").GetString()!)).ToList();
        Assert.Equal(stored.Take(first.Count + resumed.Count), first.Concat(resumed).Select(e => (e.Seq, e.Id, e.Type)));

        // The message store follows the events (a read model): it shows the delivery moments after the stream did.
        var status = await Eventually.WaitForAsync(
            async () => Ok(await CallAsync("getMessage", new { via = "node", session = Session, id })),
            s => s.GetProperty("statusHistory").EnumerateArray().Any(h => h.GetProperty("status").GetString() is "delivered" or "read"),
            "the store to show the send delivered");
        Assert.Equal(Friend + "@s.whatsapp.net", status.GetProperty("to").GetString());
        Assert.Equal("accepted", status.GetProperty("statusHistory")[0].GetProperty("status").GetString());
        var received = await SimulatorPhones.MessagesAsync(_node.Simulator, Friend);
        Assert.Single(received, m => !m.SentCopy && m.Id == id && m.Text == "hello from grpc-js");
    }

    [Fact]
    public async Task Grpc_js_cannot_reach_stock_kestrel_on_a_cleartext_http1_and_http2_endpoint_and_reaches_it_with_preface_detection()
    {
        await using var stock = await StartKestrelAsync(listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
        await using var detecting = await StartKestrelAsync(listen => listen.UseHttp1AndCleartextHttp2());
        await ConnectAsync("stock", new Uri(stock.Urls.Single()), "any");
        await ConnectAsync("detecting", new Uri(detecting.Urls.Single()), "any");

        AssertError(await CallAsync("listSessions", new { via = "stock" }), StatusCode.Unavailable, problemCode: null);
        var listed = Ok(await CallAsync("listSessions", new { via = "detecting" }));
        Assert.Equal(FixedSessions.Id, listed.GetProperty("sessions")[0].GetProperty("id").GetString());
    }

    private Task ConnectAsync(string name, Uri address, string key) => CallAsync("connect", new { name, target = $"{address.Host}:{address.Port}", key });

    private Task<JsonElement> CallAsync(string op, object args) => _peer.CallAsync(op, args);

    private static JsonElement Ok(JsonElement answer)
    {
        Assert.True(answer.TryGetProperty("ok", out var ok), $"expected an answer, got {answer}");
        return ok;
    }

    private static void AssertError(JsonElement answer, StatusCode status, string? problemCode)
    {
        Assert.True(answer.TryGetProperty("error", out var error), $"expected {status}, got {answer}");
        Assert.True(error.GetProperty("code").GetInt32() == (int)status, $"expected {status}, got {error}");
        Assert.Equal(problemCode, error.GetProperty("problemCode").GetString());
    }

    private static List<StreamedEvent> Events(JsonElement events) =>
        events.EnumerateArray().Select(e => new StreamedEvent(e.GetProperty("session").GetString()!, e.GetProperty("seq").GetInt64(), e.GetProperty("id").GetString()!, e.GetProperty("type").GetString()!)).ToList();

    private static void AssertGapless(List<StreamedEvent> events, long from)
    {
        Assert.All(events, e => Assert.Equal(Session, e.Session));
        Assert.Equal(Enumerable.Range(0, events.Count).Select(i => from + i), events.Select(e => e.Seq));
    }

    /// <summary>A bare Kestrel on a free loopback port serving a Sessions service that lists one fixed session.</summary>
    private static async Task<WebApplication> StartKestrelAsync(Action<ListenOptions> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(configure));
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<FixedSessions>();
        await app.StartAsync();
        return app;
    }

    private sealed record StreamedEvent(string Session, long Seq, string Id, string Type);

    private sealed class FixedSessions : SessionCluster.Edge.Grpc.V1.Sessions.SessionsBase
    {
        public const string Id = "fixed";

        public override Task<ListSessionsResponse> List(ListSessionsRequest request, ServerCallContext context) =>
            Task.FromResult(new ListSessionsResponse { Sessions = { new Session { Id = Id, Status = "new" } } });
    }
}
