using System.Globalization;
using System.Net.Http.Headers;

namespace SessionCluster.Edge.Webhooks;

/// <summary>One POST's outcome: the receiver's status, or why there was none.</summary>
public readonly record struct DeliveryAttempt(int? Status, string? Error)
{
    public bool Acknowledged => Status is >= 200 and < 300;

    public string Describe() => Status is { } status ? $"HTTP {status}" : Error ?? "no answer";
}

/// <summary>
/// Posts one event to a receiver: the body as given, <c>Content-Type: application/json</c>, <c>X-Webhook-Id</c> (the
/// event's id: a duplicate carries the same), <c>X-Webhook-Seq</c>, <c>X-Webhook-Timestamp</c> (Unix seconds of this
/// attempt) and <c>X-Hub-Signature-256</c>. At most <see cref="WebhookOptions.MaxConcurrentDeliveries"/> posts are in
/// flight on the node; redirects are not followed (a 3xx is a failed attempt). Never throws for the receiver's sake:
/// a refused connection or a timeout is an attempt without status.
/// </summary>
public sealed class WebhookSender(HttpClient http, SemaphoreSlim gate, TimeProvider clock)
{
    public async Task<DeliveryAttempt> PostAsync(Uri url, byte[] body, ReadOnlyMemory<byte> key, Guid eventId, long seq, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Webhook-Id", eventId.ToString());
        request.Headers.Add("X-Webhook-Seq", seq.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Webhook-Timestamp", clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(key.Span, body));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return new DeliveryAttempt((int)response.StatusCode, null);
        }
        catch (HttpRequestException e)
        {
            return new DeliveryAttempt(null, $"{e.HttpRequestError}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryAttempt(null, $"no answer within {http.Timeout.TotalSeconds:0.#} s");
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The client every webhook of the node posts with: pooled connections renewed every 2 minutes (DNS changes), no redirects.</summary>
    public static HttpClient CreateClient(TimeSpan timeout) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = timeout,
    })
    {
        Timeout = timeout,
    };
}
