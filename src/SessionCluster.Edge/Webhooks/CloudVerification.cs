using System.Security.Cryptography;

namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// Meta's webhook verification request, made once when a <c>format: "cloud"</c> webhook with a <c>verifyToken</c> is
/// created: <c>GET url?hub.mode=subscribe&amp;hub.verify_token=TOKEN&amp;hub.challenge=RANDOM</c>, passed when the receiver
/// answers 2xx with the challenge as its whole body (what a receiver written for the Cloud API already does).
/// </summary>
public sealed class CloudVerification(HttpClient http)
{
    /// <summary>Null when the receiver passed; else what it did instead (its status, or that it did not answer).</summary>
    public async Task<string?> VerifyAsync(Uri url, string verifyToken, CancellationToken cancellationToken)
    {
        var challenge = RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var query = $"hub.mode=subscribe&hub.verify_token={Uri.EscapeDataString(verifyToken)}&hub.challenge={challenge}";
        var target = new UriBuilder(url) { Query = string.IsNullOrEmpty(url.Query) ? query : url.Query[1..] + "&" + query }.Uri;
        try
        {
            using var response = await http.GetAsync(target, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return $"the receiver answered {(int)response.StatusCode} to the verification request";
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return body.Trim() == challenge ? null : "the receiver answered the verification request without echoing hub.challenge";
        }
        catch (HttpRequestException e)
        {
            return $"the verification request failed: {e.HttpRequestError}";
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"the receiver did not answer the verification request within {http.Timeout.TotalSeconds:0.#} s";
        }
    }
}
