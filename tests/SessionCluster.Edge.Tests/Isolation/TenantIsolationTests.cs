using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SessionCluster.Edge.Tests.Webhooks;

namespace SessionCluster.Edge.Tests.Isolation;

/// <summary>
/// Tenant B's key, adversarial, against everything of tenant A: every route the node serves (read from its own OpenAPI
/// document, so a route added later is tried too) with A's ids guessed into every parameter, the lists, and the live
/// streams. Every answer is a 404 or 403 (the Cloud facade: its own "unknown object" error), and no body or stream
/// carries anything of A; A's resources are as they were.
/// </summary>
public sealed partial class TenantIsolationTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    private const string PhoneA = "15550090001";
    private const string Friend = "15550090002";
    private const string Session = "alpha";
    private const string HookMarker = "a-private-hook";

    [Fact]
    public async Task Tenant_B_on_every_route_and_stream_against_tenant_A_gets_404_or_403_and_nothing_of_A()
    {
        using var a = await node.TenantClientAsync("iso-a");
        using var b = await node.TenantClientAsync("iso-b");
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Friend);
        await WebhookTestKit.LinkAsync(a, node.Simulator, Session, PhoneA);
        var sent = await WebhookTestKit.SendTextAsync(a, Session, Friend, "for A's eyes only");
        var tenantHook = await WebhookTestKit.CreateWebhookAsync(a, "/v1/webhooks", new { url = $"http://127.0.0.1:9/{HookMarker}/all", events = new[] { "*" } });
        var sessionHook = await WebhookTestKit.CreateWebhookAsync(a, $"/v1/sessions/{Session}/webhooks", new { url = $"http://127.0.0.1:9/{HookMarker}/one", events = new[] { "*" } });
        var keyId = JsonDocument.Parse(await node.Http.GetStringAsync("/v1/admin/tenants/iso-a/keys")).RootElement[0].GetProperty("id").GetString()!;
        var aBefore = await a.GetStringAsync($"/v1/sessions/{Session}");
        var aJid = JsonDocument.Parse(aBefore).RootElement.GetProperty("jid").GetString()!;
        // What B must never see. A's ids B puts in its own requests (session name, message and webhook ids) may be echoed
        // back; for those the check is that the answer is the same as for ids that never existed.
        string[] secretsOfA = ["iso-a", PhoneA, aJid, HookMarker, "for A's eyes only", sessionHook.GetProperty("id").GetString()!];

        // B's live streams, open while A's session has traffic.
        using var streamCancel = new CancellationTokenSource(TimeSpan.FromSeconds(8));
        var bStream = ReadStreamAsync(b, "/v1/events/stream", streamCancel.Token);
        await Task.Delay(500);
        await WebhookTestKit.SendTextAsync(a, Session, Friend, "more for A's eyes only");

        var document = await node.Anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var tried = 0;
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var method = operation.Name.ToUpperInvariant();
                if (method is not ("GET" or "POST" or "PUT" or "PATCH" or "DELETE") || path.Name == "/v1/events/ws")
                {
                    continue;
                }

                var url = Fill(path.Name, Session, sent, tenantHook.GetProperty("id").GetString()!, keyId);
                var neverUrl = Fill(path.Name, "never-made", "3EB0FFFFFFFFFFFFFFFFFF", "wh_ffffffffffffffffffffffffffffffff", "ffffffffffff");
                var targetsA = url != path.Name;
                if (path.Name == "/v1/events/stream")
                {
                    url += $"?sessions={Session}";
                    neverUrl += "?sessions=never-made";
                    targetsA = true;
                }

                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                request.Headers.Add("Idempotency-Key", "iso-b-" + tried);
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent(BodyFor(path.Name), Encoding.UTF8, "application/json");
                }

                using var response = await b.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var body = await ReadSomeAsync(response);
                tried++;
                if (targetsA && !path.Name.StartsWith("/v1/admin", StringComparison.Ordinal))
                {
                    // Indistinguishable from nothing: the same status and body as for ids that never existed.
                    using var never = new HttpRequestMessage(new HttpMethod(method), neverUrl);
                    never.Headers.Add("Idempotency-Key", "iso-b-never-" + tried);
                    if (request.Content is not null)
                    {
                        never.Content = new StringContent(BodyFor(path.Name), Encoding.UTF8, "application/json");
                    }

                    using var neverResponse = await b.SendAsync(never, HttpCompletionOption.ResponseHeadersRead);
                    var neverBody = await ReadSomeAsync(neverResponse);
                    Assert.Equal(neverResponse.StatusCode, response.StatusCode);
                    Assert.Equal(Anonymize(neverBody, neverUrl), Anonymize(body, url));
                }

                foreach (var secret in secretsOfA)
                {
                    Assert.False(body.Contains(secret, StringComparison.Ordinal), $"{method} {url} as tenant B showed '{secret}' of tenant A: {body}");
                }

                if (path.Name.StartsWith("/cloud/", StringComparison.Ordinal))
                {
                    // Meta's shape: an unknown object is error 100 subcode 33, the answer for a session not the caller's.
                    Assert.True(response.StatusCode == HttpStatusCode.BadRequest && body.Contains("\"error_subcode\":33", StringComparison.Ordinal),
                        $"{method} {url} as tenant B: {(int)response.StatusCode} {body}");
                }
                else if (targetsA || path.Name.StartsWith("/v1/admin", StringComparison.Ordinal))
                {
                    Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden,
                        $"{method} {url} as tenant B answered {(int)response.StatusCode}: {body}");
                }
            }
        }

        Assert.True(tried >= 30, $"only {tried} routes were tried: is the OpenAPI document complete?");

        // B's own lists hold nothing of A.
        foreach (var list in new[] { "/v1/sessions", "/v1/webhooks" })
        {
            var body = await b.GetStringAsync(list);
            Assert.DoesNotContain(Session, body);
            Assert.All(secretsOfA, secret => Assert.DoesNotContain(secret, body));
        }

        var streamed = await bStream;
        Assert.DoesNotContain(Session, streamed);
        Assert.All(secretsOfA, secret => Assert.DoesNotContain(secret, streamed));

        // A's session and webhooks are as they were: nothing B did reached them.
        var aAfter = JsonDocument.Parse(await a.GetStringAsync($"/v1/sessions/{Session}")).RootElement;
        Assert.Equal("connected", aAfter.GetProperty("status").GetString());
        Assert.Equal(2, JsonDocument.Parse(await a.GetStringAsync("/v1/webhooks")).RootElement.GetProperty("webhooks").GetArrayLength()
            + JsonDocument.Parse(await a.GetStringAsync($"/v1/sessions/{Session}/webhooks")).RootElement.GetProperty("webhooks").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync($"/v1/sessions/{Session}/messages/{sent}")).StatusCode);
    }

    /// <summary>The route with A's ids (or others) in its parameters; a parameter the test has no value for fails it.</summary>
    private static string Fill(string template, string session, string message, string webhook, string key) =>
        Placeholder().Replace(template, m => m.Groups[1].Value switch
        {
            "id" or "phoneNumberId" or "phone-number-id" => session,
            "messageId" => message,
            "jid" => Friend + "@s.whatsapp.net",
            "wid" => webhook,
            "dlid" => "1",
            "tenantId" => "iso-a",
            "keyId" => key,
            "version" => "v21.0",
            "action" => "add",
            "mediaId" => session + "~" + message,
            "uploadId" => "up_" + new string('a', 32),
            "address" => "127.0.0.1:1",
            "shardId" => "1",
            var other => throw new InvalidOperationException($"The isolation test has no value for the route parameter {{{other}}} in {template}: add one."),
        });

    /// <summary>A body with the ids of its URL's segments blanked, and Cloud's per-request trace id, so two answers compare.</summary>
    private static string Anonymize(string body, string url)
    {
        foreach (var segment in url.Split('/', ':', '?', '=').Where(s => s.Length > 3).OrderByDescending(s => s.Length))
        {
            body = body.Replace(segment, "<id>", StringComparison.Ordinal);
        }

        return TraceId().Replace(body, "\"fbtrace_id\":\"<trace>\"");
    }

    /// <summary>A body a route would accept from its own tenant, so that a 404 is the session check and not the body's.</summary>
    private static string BodyFor(string path) => path switch
    {
        _ when path.EndsWith("/messages", StringComparison.Ordinal) && path.StartsWith("/cloud", StringComparison.Ordinal) =>
            $"{{\"messaging_product\":\"whatsapp\",\"to\":\"{Friend}\",\"type\":\"text\",\"text\":{{\"body\":\"hi\"}}}}",
        _ when path.EndsWith("/messages", StringComparison.Ordinal) => $"{{\"to\":\"{Friend}\",\"type\":\"text\",\"text\":\"hi\"}}",
        _ when path.EndsWith("/status", StringComparison.Ordinal) => $"{{\"type\":\"text\",\"text\":\"hi\",\"audience\":[\"{Friend}\"]}}",
        _ when path.EndsWith("/webhooks", StringComparison.Ordinal) => "{\"url\":\"http://127.0.0.1:9/b\",\"events\":[\"*\"]}",
        _ when path.EndsWith("/presence", StringComparison.Ordinal) => "{\"state\":\"paused\"}",
        _ when path.EndsWith(":read", StringComparison.Ordinal) => "{\"messageIds\":[\"3EB0AAAA\"]}",
        _ when path.EndsWith("contacts:check", StringComparison.Ordinal) => $"{{\"phones\":[\"{Friend}\"]}}",
        _ when path.EndsWith("pairing-code", StringComparison.Ordinal) => $"{{\"phone\":\"{PhoneA}\"}}",
        _ when path == "/v1/sessions/{id}" => "{\"readReceipts\":true}",
        _ => "{}",
    };

    /// <summary>The body, or what came of a stream in a second (a stream does not end by itself).</summary>
    private static async Task<string> ReadSomeAsync(HttpResponseMessage response)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            return await response.Content.ReadAsStringAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            return "(a stream: still open after 1 s)";
        }
    }

    private static async Task<string> ReadStreamAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        try
        {
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                text.AppendLine(line);
            }
        }
        catch (OperationCanceledException)
        {
            // The stream was read for its whole window: what it held is the answer.
        }

        return text.ToString();
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("\"fbtrace_id\":\"[^\"]*\"")]
    private static partial Regex TraceId();
}
