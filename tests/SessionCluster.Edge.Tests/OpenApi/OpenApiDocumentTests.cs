using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SessionCluster.Edge.OpenApi;

namespace SessionCluster.Edge.Tests.OpenApi;

/// <summary>
/// <c>/openapi/v1.json</c> against the node's actual endpoints (its <see cref="EndpointDataSource"/>): every
/// <c>/v1</c> and <c>/cloud</c> route and method is in the document and the document lists no other, whatever routes
/// the node has when the test runs. Served without a key.
/// </summary>
public sealed class OpenApiDocumentTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    [Fact]
    public async Task The_document_lists_exactly_the_v1_and_cloud_routes_the_node_serves_and_needs_no_key()
    {
        using var response = await node.Anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("3.", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.True(document.RootElement.GetProperty("security")[0].TryGetProperty("bearer", out _));

        var documented = new HashSet<(string, string)>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
            {
                documented.Add((operation.Name.ToUpperInvariant(), path.Name));
            }
        }

        var served = new HashSet<(string Method, string Path)>();
        foreach (var endpoint in node.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? [];
            if (EdgeOpenApi.PathOf(endpoint.RoutePattern.RawText) is { } path)
            {
                Assert.True(methods.Count > 0, $"{path} answers every method; the document cannot list it");
                served.UnionWith(methods.Select(m => (m, path)));
            }
        }

        // The routes this branch added and the foundation's: the comparison below is not over an empty set.
        Assert.Contains(("GET", "/v1/sessions/{id}/qr"), served);
        Assert.Contains(("POST", "/v1/sessions/{id}/chats/{jid}:read"), served);
        Assert.Contains(("POST", "/cloud/{version}/{phoneNumberId}/messages"), served);

        var documentedInScope = documented.Where(d => EdgeOpenApi.PathOf(d.Item2) is not null).ToHashSet();
        Assert.True(served.SetEquals(documentedInScope),
            $"served, not documented: {string.Join(", ", served.Except(documentedInScope))}; documented, not served: {string.Join(", ", documentedInScope.Except(served))}");

        using var withoutKey = await node.Anonymous.GetAsync("/v1/sessions");
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
    }

    [Theory]
    [InlineData("/v1/sessions/{id:minlength(1)}/qr", "/v1/sessions/{id}/qr")]
    [InlineData("v1/sessions/{id}/chats/{jid}:read", "/v1/sessions/{id}/chats/{jid}:read")]
    [InlineData("/v1/files/{**rest}", "/v1/files/{rest}")]
    [InlineData("/v1/sessions/{id?}", "/v1/sessions/{id}")]
    [InlineData("/health/live", null)]
    [InlineData("/v1x/sessions", null)]
    public void Route_templates_are_written_as_openapi_paths_and_only_v1_and_cloud_count(string template, string? expected) =>
        Assert.Equal(expected, EdgeOpenApi.PathOf(template));
}
