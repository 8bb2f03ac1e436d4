using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Edge.Grpc;

/// <summary>
/// The gRPC API (proto/api/sessioncluster/v1) beside REST on the node's endpoint. The node registers it before its
/// host is built (<see cref="AddEdgeGrpc"/>) and maps it once its <see cref="EdgeDependencies"/> exist
/// (<see cref="MapEdgeGrpc"/>): the services and the interceptor are singletons made on the first call, from those
/// dependencies, so no service reaches for anything else.
/// </summary>
public static class EdgeGrpc
{
    public static IServiceCollection AddEdgeGrpc(this IServiceCollection services)
    {
        var binding = new Binding();
        services.AddSingleton(binding);
        services.AddGrpc(options => options.Interceptors.Add<EdgeGrpcInterceptor>());
        services.AddSingleton(sp => new EdgeGrpcInterceptor(binding.Dependencies, sp.GetRequiredService<ILogger<EdgeGrpcInterceptor>>()));
        services.AddSingleton(_ => new SessionsService(binding.Dependencies));
        services.AddSingleton(_ => new MessagesService(binding.Dependencies));
        services.AddSingleton(_ => new GroupsService(binding.Dependencies));
        services.AddSingleton(_ => new ContactsService(binding.Dependencies));
        services.AddSingleton(_ => new FilesService(binding.Dependencies));
        services.AddSingleton(_ => new ChatsService(binding.Dependencies));
        services.AddSingleton(_ => new UploadsService(binding.Dependencies));
        services.AddSingleton(sp => new EventsService(binding.Dependencies, sp.GetRequiredService<ILogger<EventsService>>()));
        return services;
    }

    public static void MapEdgeGrpc(this WebApplication app, EdgeDependencies deps)
    {
        app.Services.GetRequiredService<Binding>().Bind(deps);
        app.MapGrpcService<SessionsService>();
        app.MapGrpcService<MessagesService>();
        app.MapGrpcService<GroupsService>();
        app.MapGrpcService<ContactsService>();
        app.MapGrpcService<FilesService>();
        app.MapGrpcService<ChatsService>();
        app.MapGrpcService<UploadsService>();
        app.MapGrpcService<EventsService>();
    }

    /// <summary>The dependencies, given once when the API is mapped (after the host is built, before any call).</summary>
    internal sealed class Binding
    {
        private EdgeDependencies? _deps;

        public EdgeDependencies Dependencies => _deps ?? throw new InvalidOperationException("The gRPC API was called before MapEdgeGrpc gave it its dependencies.");

        public void Bind(EdgeDependencies deps)
        {
            if (Interlocked.CompareExchange(ref _deps, deps, null) is not null)
            {
                throw new InvalidOperationException("The gRPC API is mapped once per node.");
            }
        }
    }
}
