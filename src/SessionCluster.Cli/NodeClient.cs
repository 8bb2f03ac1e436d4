using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SessionCluster.Cli;

/// <summary>
/// HTTP to one node with the admin key: every answer is parsed JSON (null for an empty body), every failure a
/// <see cref="ScctlException"/> (a problem+json's <c>code</c> and <c>detail</c> kept).
/// </summary>
internal sealed class NodeClient(HttpClient http, string? tenant) : IDisposable
{
    public Uri BaseAddress => http.BaseAddress!;

    public Task<JsonNode?> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonNode?> PostAsync(string path, object? body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);

    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (tenant is not null)
        {
            request.Headers.Add("X-Tenant-Id", tenant);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json.Options);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ScctlException(ScctlFailure.Unreachable, $"cannot reach the node at {http.BaseAddress}: {e.Message}", inner: e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new ScctlException(ScctlFailure.Unreachable, $"the node at {http.BaseAddress} did not answer within {http.Timeout.TotalSeconds:0} s", inner: e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return text.Length == 0 ? null : Parse(text, status);
            }

            var problem = text.Length == 0 ? null : TryParse(text) as JsonObject;
            var code = problem?["code"]?.GetValue<string>();
            var detail = problem?["detail"]?.GetValue<string>() ?? problem?["title"]?.GetValue<string>()
                ?? (response.StatusCode == HttpStatusCode.NotFound ? $"{method} {path}: no such route on this node" : $"{method} {path}: {status} {response.ReasonPhrase}");
            throw new ScctlException(ScctlException.ForStatus(status), detail, status, code);
        }
    }

    private static JsonNode? Parse(string text, int status) =>
        TryParse(text) ?? throw new ScctlException(ScctlFailure.ServerError, $"the node answered {status} with a body that is not JSON", status);

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A client for <paramref name="baseUrl"/> sending <c>Authorization: Bearer</c> <paramref name="adminKey"/>.</summary>
    public static NodeClient Create(Uri baseUrl, string adminKey, string? tenant, TimeSpan timeout, HttpMessageHandler? handler)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = baseUrl;
        http.Timeout = timeout;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        return new NodeClient(http, tenant);
    }

    public void Dispose() => http.Dispose();
}
