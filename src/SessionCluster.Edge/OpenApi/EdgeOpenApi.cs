using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace SessionCluster.Edge.OpenApi;

/// <summary>
/// The OpenAPI document of the edge at <c>/openapi/v1.json</c>, served without a key (it names routes, no data). It is
/// generated from the endpoints themselves (Microsoft.AspNetCore.OpenApi), so it cannot drift from them; a route the
/// API explorer does not describe (one mapped with a bare request delegate, such as a WebSocket upgrade) is added
/// with its path and method only, so that the document lists every <c>/v1</c> and <c>/cloud</c> route there is.
/// </summary>
public static partial class EdgeOpenApi
{
    public const string DocumentName = "v1";

    public const string Route = "/openapi/{documentName}.json";

    private const string BearerScheme = "bearer";

    private static readonly string[] DocumentedPrefixes = ["/v1/", "/cloud/"];

    public static IServiceCollection AddEdgeOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, context, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "SessionCluster edge API",
                    Version = DocumentName,
                    Description = "Every /v1 route needs Authorization: Bearer <API key or admin key>; errors are RFC 9457 problems with a stable code (docs/API.md). /cloud answers like Meta's WhatsApp Cloud API.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A tenant's API key, or the admin key (which acts in the tenant named by X-Tenant-Id, default \"default\").",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
                AddUndescribedRoutes(document, context.ApplicationServices.GetRequiredService<EndpointDataSource>());
                return Task.CompletedTask;
            });
        });

    public static IEndpointConventionBuilder MapEdgeOpenApi(this IEndpointRouteBuilder endpoints) => endpoints.MapOpenApi(Route);

    /// <summary>Every route under a documented prefix, as (method, OpenAPI path): what the document must list.</summary>
    public static IReadOnlySet<(string Method, string Path)> DocumentedRoutes(EndpointDataSource endpoints)
    {
        var routes = new HashSet<(string, string)>();
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var path = PathOf(endpoint.RoutePattern.RawText);
            if (path is null || endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } methods)
            {
                continue;
            }

            foreach (var method in methods.HttpMethods)
            {
                routes.Add((method.ToUpperInvariant(), path));
            }
        }

        return routes;
    }

    /// <summary>A route template as OpenAPI writes it (<c>{id:int}</c> → <c>{id}</c>, <c>{**rest}</c> → <c>{rest}</c>), or null outside the documented prefixes.</summary>
    public static string? PathOf(string? template)
    {
        if (template is null)
        {
            return null;
        }

        // A route mapped as "" in a group (POST /v1/webhooks) has the group's prefix and a trailing slash as its template.
        var path = "/" + template.Trim('/');
        return DocumentedPrefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal)) ? Parameter().Replace(path, "{$1}") : null;
    }

    private static void AddUndescribedRoutes(OpenApiDocument document, EndpointDataSource endpoints)
    {
        document.Paths ??= [];
        foreach (var (method, path) in DocumentedRoutes(endpoints))
        {
            if (!document.Paths.TryGetValue(path, out var item))
            {
                item = new OpenApiPathItem();
                document.Paths[path] = item;
            }

            var httpMethod = new HttpMethod(method);
            if (item.Operations?.ContainsKey(httpMethod) != true && item is OpenApiPathItem writable)
            {
                writable.AddOperation(httpMethod, new OpenApiOperation { Summary = $"{method} {path}" });
            }
        }
    }

    [GeneratedRegex(@"\{\**([A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex Parameter();
}
