using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionCluster.Host.Composition;
using SessionCluster.Host.Options;

namespace SessionCluster.Host.Health;

/// <summary>
/// <c>GET /health/live</c>: 200 while the process serves HTTP (no check runs, so a draining node stays live).
/// <c>GET /health/ready</c>: 200 when every readiness check is healthy, 503 otherwise (from the first moment of a
/// drain or stop, <see cref="NotDrainingCheck"/>); both answer a small JSON body naming each check and its state.
/// </summary>
internal static class NodeHealth
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    private const string ReadyTag = "ready";

    public static IServiceCollection AddNodeHealthChecks(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(provider => JournalProbeSettings.From(provider.GetRequiredService<ActorSystem>().Settings.Config));
        services.AddSingleton<JournalRoundTripCheck>();
        services.AddSingleton<ClusterMemberUpCheck>();
        services.AddSingleton<NotDrainingCheck>();
        services.AddSingleton<EdgeDatabaseCheck>();
        services.AddSingleton(provider => new SessionRegionRegisteredCheck(
            provider.GetRequiredService<ActorSystem>(),
            provider.GetRequiredService<IRequiredActor<SessionRegionKey>>(),
            provider.GetRequiredService<NodeSettings>().Cluster.HostsSessions));
        services.AddHealthChecks()
            .AddCheck<ClusterMemberUpCheck>(ClusterMemberUpCheck.Name, tags: [ReadyTag])
            .AddCheck<NotDrainingCheck>(NotDrainingCheck.Name, tags: [ReadyTag])
            .AddCheck<SessionRegionRegisteredCheck>(SessionRegionRegisteredCheck.Name, tags: [ReadyTag])
            .AddCheck<EdgeDatabaseCheck>(EdgeDatabaseCheck.Name, tags: [ReadyTag])
            .AddCheck<JournalRoundTripCheck>(JournalRoundTripCheck.Name, tags: [ReadyTag]);
        return services;
    }

    public static WebApplication MapNodeHealth(this WebApplication app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteJson,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        return app;
    }

    /// <summary><c>{"status":"Unhealthy","checks":{"journal-round-trip":{"status":"Unhealthy","description":"..."}}}</c></summary>
    private static async Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", entry.Description ?? entry.Exception?.Message);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }
}
