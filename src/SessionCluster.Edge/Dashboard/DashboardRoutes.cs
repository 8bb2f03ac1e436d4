using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SessionCluster.Edge.Dashboard;

/// <summary>
/// <c>/dashboard/</c>: a page for operators built on the public API only (docs/DASHBOARD.md). Its files need no key
/// (they hold no data); every figure on the page is fetched by the browser from <c>/v1</c> with the key the person
/// types in. Served with a Content-Security-Policy that allows scripts, styles and fetches from this origin only (no
/// inline script, no other site), so a key in the page cannot be sent elsewhere by injected markup.
/// </summary>
public static class DashboardRoutes
{
    public const string Path = "/dashboard";

    /// <summary>img-src allows blob: for the QR PNG the page fetches with its key and shows as an object URL.</summary>
    internal const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        var files = DashboardFiles.Load();
        // One route: routing matches /dashboard and /dashboard/ alike. The page's relative links need the slash.
        endpoints.MapGet(Path + "/{file?}", (string? file, HttpContext http) =>
            file is not null ? Serve(http, files, file)
            : http.Request.Path.Value!.EndsWith('/') ? Serve(http, files, "index.html")
            : Results.Redirect(Path + "/"))
            // A page, not part of the API: it stays out of the OpenAPI document.
            .ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext http, DashboardFiles files, string name)
    {
        if (files.Find(name) is not { } file)
        {
            return Results.NotFound();
        }

        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated each time: a node upgraded in place serves its new page at once.
        headers.CacheControl = "no-cache";
        return Results.Bytes(file.Content, file.MediaType);
    }
}
