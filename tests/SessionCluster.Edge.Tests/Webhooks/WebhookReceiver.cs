using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Edge.Tests.Webhooks;

/// <summary>One POST a receiver got, with the headers the node sent and whether the signature checks against <see cref="WebhookReceiver.Secret"/>.</summary>
public sealed record ReceivedPost(string Path, string? WebhookId, long Seq, string? Timestamp, bool SignatureValid, byte[] Body, JsonElement Json, int AnsweredStatus)
{
    public string? Session => Json.TryGetProperty("session", out var s) ? s.GetString() : null;

    public string? Type => Json.TryGetProperty("type", out var t) ? t.GetString() : null;

    /// <summary>The X-Hub-Signature-256 header as sent.</summary>
    public string Signature { get; init; } = "";

    /// <summary>Whether the signature checks against <paramref name="secret"/> (whatever the receiver's secret was at the time).</summary>
    public bool SignedWith(string secret) => WebhookReceiver.Verifies(secret, Body, Signature);
}

/// <summary>
/// A real HTTP receiver on loopback (Kestrel) that records every POST and answers what <see cref="Answer"/> says
/// (200 by default). It can be stopped and started again on the same port (connections refused in between), and
/// answers Meta's verify GET (echoes hub.challenge when hub.verify_token is <see cref="VerifyToken"/>).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedPost> _posts = new();
    private WebApplication? _app;

    public int Port { get; private set; }

    /// <summary>The secret signatures are checked against (set it once the webhook is created).</summary>
    public string Secret { get; set; } = "";

    public string VerifyToken { get; set; } = "verify-me";

    /// <summary>The status to answer a post with; it sees how many posts of that event came before.</summary>
    public Func<ReceivedPost, int, int> Answer { get; set; } = (_, _) => 200;

    /// <summary>How long to wait before answering (a slow receiver).</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    public IReadOnlyList<ReceivedPost> Posts => [.. _posts];

    public string Url(string path = "/hook") => $"http://127.0.0.1:{Port}{path}";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver.UpAsync();
        return receiver;
    }

    /// <summary>Listens (again) on <see cref="Port"/>, or on a free port the first time.</summary>
    public async Task UpAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        var app = builder.Build();
        app.MapPost("/{**path}", ReceiveAsync);
        app.MapGet("/{**path}", (HttpRequest request) =>
            request.Query["hub.mode"] == "subscribe" && request.Query["hub.verify_token"] == VerifyToken
                ? Results.Text(request.Query["hub.challenge"].ToString())
                : Results.StatusCode(StatusCodes.Status403Forbidden));
        await app.StartAsync();
        Port = new Uri(app.Urls.Single()).Port;
        _app = app;
    }

    /// <summary>Stops listening: the node's posts are refused until <see cref="UpAsync"/>.</summary>
    public async Task DownAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(DownAsync());

    /// <summary>Waits until <paramref name="done"/> holds for the posts so far; fails after <paramref name="deadline"/>.</summary>
    public async Task<IReadOnlyList<ReceivedPost>> WaitForAsync(Func<IReadOnlyList<ReceivedPost>, bool> done, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? EdgeNode.Deadline);
        while (true)
        {
            var posts = Posts;
            if (done(posts))
            {
                return posts;
            }

            Assert.True(DateTime.UtcNow < until, $"Waited for {what}; received {posts.Count} posts: {string.Join(", ", posts.TakeLast(20).Select(p => $"{p.Session}#{p.Seq} {p.Type}"))}");
            await Task.Delay(100);
        }
    }

    /// <summary>What a receiver checks: the header is sha256= and the hex HMAC-SHA256 of the body keyed with the secret's UTF-8.</summary>
    internal static bool Verifies(string secret, byte[] body, string signature)
    {
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }

    private async Task ReceiveAsync(HttpContext context, string? path)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = context.Request.Headers;
        var signature = headers["X-Hub-Signature-256"].ToString();
        using var json = JsonDocument.Parse(body);
        var post = new ReceivedPost("/" + path, headers["X-Webhook-Id"].ToString(), long.Parse(headers["X-Webhook-Seq"].ToString(), System.Globalization.CultureInfo.InvariantCulture),
            headers["X-Webhook-Timestamp"].ToString(), Verifies(Secret, body, signature), body, json.RootElement.Clone(), 0) { Signature = signature };
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }

        var before = _posts.Count(p => p.WebhookId == post.WebhookId && p.Path == post.Path);
        var status = Answer(post, before);
        _posts.Enqueue(post with { AnsweredStatus = status });
        context.Response.StatusCode = status;
    }
}
