using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using SessionCluster.Edge.Grpc;
using SessionCluster.Edge.Grpc.V1;
using SessionCluster.Host;

namespace SessionCluster.Edge.Tests.Grpc;

/// <summary>
/// REST and gRPC on one cleartext port: what stock Kestrel does with prior-knowledge HTTP/2 on an
/// <see cref="HttpProtocols.Http1AndHttp2"/> endpoint without TLS (refuses it), what <see cref="CleartextHttp2"/>
/// changes (both protocols served), and the node doing both on <c>SC:Node:HttpUrl</c>, with the preface or an
/// HTTP/1.1 request arriving in pieces.
/// </summary>
[Collection(GrpcNodeCollection.Name)]
public sealed class GrpcOnePortTests(EdgeNode node)
{
    [Fact]
    public async Task Stock_kestrel_on_a_cleartext_http1_and_http2_endpoint_serves_http1_and_refuses_prior_knowledge_http2()
    {
        await using var app = await StartAsync(listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = EdgeNode.Deadline };

        Assert.Equal("HTTP/1.1 http", await http.GetStringAsync("/"));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.SendAsync(Http2Get("/")));
    }

    [Fact]
    public async Task With_preface_detection_the_same_endpoint_serves_http1_and_prior_knowledge_http2_with_the_http_scheme()
    {
        await using var app = await StartAsync(listen => listen.UseHttp1AndCleartextHttp2());
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = EdgeNode.Deadline };

        Assert.Equal("HTTP/1.1 http", await http.GetStringAsync("/"));
        using var h2 = await http.SendAsync(Http2Get("/"));
        Assert.Equal(HttpVersion.Version20, h2.Version);
        Assert.Equal("HTTP/2 http", await h2.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_is_closed_after_the_keep_alive_timeout()
    {
        await using var app = await StartAsync(listen => listen.UseHttp1AndCleartextHttp2(), keepAlive: TimeSpan.FromSeconds(1));
        var address = new Uri(app.Urls.Single());
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);

        using var deadline = new CancellationTokenSource(EdgeNode.Deadline);
        var read = await client.GetStream().ReadAsync(new byte[1], deadline.Token);

        Assert.Equal(0, read);
    }

    [Fact]
    public async Task The_node_answers_rest_over_http1_and_h2c_and_grpc_on_its_one_port()
    {
        using var rest = await node.Http.GetAsync("/v1/sessions");
        Assert.Equal(HttpVersion.Version11, rest.Version);
        Assert.Equal(HttpStatusCode.OK, rest.StatusCode);

        using var h2 = await node.Http.SendAsync(Http2Get("/v1/sessions"));
        Assert.Equal(HttpVersion.Version20, h2.Version);
        Assert.Equal(HttpStatusCode.OK, h2.StatusCode);

        using var grpc = new GrpcCaller(node);
        await grpc.Sessions.ListAsync(new ListSessionsRequest(), deadline: GrpcCaller.Deadline);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(23)]
    public async Task A_preface_that_arrives_in_pieces_still_opens_http2(int firstPiece)
    {
        var preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();
        byte[] emptySettings = [0, 0, 0, 0x4, 0, 0, 0, 0, 0];

        var reply = await ExchangeAsync([preface[..firstPiece], [.. preface[firstPiece..], .. emptySettings]], 9);

        Assert.Equal(0x4, reply[3]); // the server's first frame is its SETTINGS
    }

    [Theory]
    [InlineData("GET /health/live HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n", 1)]
    [InlineData("POST /v1/sessions HTTP/1.1\r\nHost: node\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 1)]
    [InlineData("PRI /health/live HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n", 5)]
    public async Task An_http1_request_that_arrives_in_pieces_or_starts_like_the_preface_stays_http1(string request, int firstPiece)
    {
        var bytes = Encoding.ASCII.GetBytes(request);

        var reply = Encoding.ASCII.GetString(await ExchangeAsync([bytes[..firstPiece], bytes[firstPiece..]], "HTTP/1.1 ".Length));

        Assert.Equal("HTTP/1.1 ", reply);
    }

    /// <summary>Writes the pieces to the node with a pause between them and reads the first bytes of its answer.</summary>
    private async Task<byte[]> ExchangeAsync(byte[][] pieces, int replyLength)
    {
        var address = node.Http.BaseAddress!;
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        foreach (var piece in pieces)
        {
            await stream.WriteAsync(piece);
            await stream.FlushAsync();
            await Task.Delay(200);
        }

        var reply = new byte[replyLength];
        using var deadline = new CancellationTokenSource(EdgeNode.Deadline);
        await stream.ReadExactlyAsync(reply, deadline.Token);
        return reply;
    }

    private static HttpRequestMessage Http2Get(string path) =>
        new(HttpMethod.Get, path) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

    /// <summary>A bare Kestrel on a free loopback port that answers its request's protocol and scheme.</summary>
    private static async Task<WebApplication> StartAsync(Action<ListenOptions> configure, TimeSpan? keepAlive = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.KeepAliveTimeout = keepAlive ?? kestrel.Limits.KeepAliveTimeout;
            kestrel.ConfigureEndpointDefaults(configure);
        });
        var app = builder.Build();
        app.MapGet("/", (HttpContext http) => $"{http.Request.Protocol} {http.Request.Scheme}");
        await app.StartAsync();
        return app;
    }
}
