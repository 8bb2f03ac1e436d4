using System.Net;
using System.Text.Json;

namespace SessionCluster.Edge.Tests;

/// <summary>Asserts on problem+json answers.</summary>
internal static class Problems
{
    /// <summary>Fails unless <paramref name="response"/> is an RFC 9457 problem with <paramref name="status"/> and <paramref name="code"/>.</summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
        Assert.Equal((int)status, json.RootElement.GetProperty("status").GetInt32());
        return json.RootElement.Clone();
    }
}
