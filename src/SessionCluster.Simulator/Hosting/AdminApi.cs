using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SessionCluster.Simulator;

/// <summary>The admin HTTP API under <c>/admin</c> (JSON; errors as RFC 7807 problem responses).</summary>
internal static class AdminApi
{
    public static void Map(IEndpointRouteBuilder app, SimulatorServer server)
    {
        var admin = app.MapGroup("/admin");
        admin.MapGet("/root-key", () => Results.Json(new RootKeyResponse(Convert.ToHexStringLower(server.Authority.RootPublicKey.Span))));
    }
}

/// <summary><c>GET /admin/root-key</c>.</summary>
internal sealed record RootKeyResponse(string PublicKey);
