using Akka.Actor;
using Akka.Cluster;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Serilog;
using SessionCluster.Sessions;
using SessionCluster.Edge.Grpc;
using SessionCluster.Host.Composition;
using SessionCluster.Host.Health;
using SessionCluster.Host.Logging;
using SessionCluster.Host.Options;

namespace SessionCluster.Host;

/// <summary>Builds and runs one SessionCluster node: options, logging, the ActorSystem, the health endpoints.</summary>
public static class NodeHost
{
    /// <summary>Exit code when the node could not start (a port taken, the ActorSystem failing to start).</summary>
    public const int StartFailureExitCode = 1;

    /// <summary>Exit code when the configuration is refused at start-up.</summary>
    public const int ConfigurationErrorExitCode = 2;

    /// <summary>Command-line shorthands: <c>--data PATH</c> is <c>--SC:Node:DataFolder=PATH</c>.</summary>
    internal static readonly IDictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--data"] = $"{NodeOptions.Section}:{nameof(NodeOptions.DataFolder)}",
    };

    /// <summary>
    /// Builds the node from appsettings.json (beside the executable), <c>SC__Section__Key</c> environment variables and
    /// the command line, in that order of precedence (last wins). Throws <see cref="NodeConfigurationException"/> for
    /// a setting it cannot start with; nothing has started by then.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        (var simulatorWanted, var simulatorUrl, args) = EmbeddedSimulator.Parse(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddCommandLine(args, SwitchMappings);
        var settings = NodeSettings.From(builder.Configuration);
        Simulator.SimulatorHost? simulator = null;
        try
        {
            if (simulatorWanted)
            {
                Directory.CreateDirectory(settings.Node.DataFolderFullPath);
                (simulator, var pointed) = EmbeddedSimulator.Start(simulatorUrl, settings.Node.DataFolderFullPath);
                builder.Configuration.AddInMemoryCollection(pointed);
                settings = NodeSettings.From(builder.Configuration);
            }

            var app = Build(builder, settings);
            if (simulator is not null)
            {
                app.Lifetime.ApplicationStarted.Register(() => Console.Out.WriteLine(EmbeddedSimulator.Instructions(simulator, app.HttpAddresses().FirstOrDefault() ?? settings.Node.HttpUrl)));
                app.Lifetime.ApplicationStopped.Register(() => simulator.DisposeAsync().AsTask().GetAwaiter().GetResult());
            }

            return app;
        }
        catch
        {
            simulator?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    private static WebApplication Build(WebApplicationBuilder builder, NodeSettings settings)
    {
        var hocon = NodeHocon.Load(settings.Node.ConfigFile);
        Directory.CreateDirectory(settings.Node.DataFolderFullPath);
        var (secretsKey, secretsKeySource) = SecretsComposition.ResolveKey(settings.Secrets, settings.Node.DataFolderFullPath, Environment.GetEnvironmentVariable);
        var secrets = new NodeSecrets(secretsKey, SecretsComposition.ResolvePrevious(settings.Secrets, secretsKey), new Sessions.State.StaleSeals());
        var adminKey = EdgeComposition.ResolveAdminKey(settings);

        // Akka.Logger.Serilog writes through Serilog's static logger, so the node's logger is that one too.
        var logger = NodeLogging.Create(builder.Configuration, settings.Node);
        Log.Logger = logger;
        builder.Services.AddSerilog(logger, dispose: true);

        builder.WebHost.UseUrls(settings.Node.HttpUrl);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.UseHttp1AndCleartextHttp2()));
        builder.Services.AddSingleton(settings);
        // The sessions hosted here tell the local feed; the cluster feed carries every node's (docs/CLUSTER.md "Live events across nodes").
        var localEvents = new SessionEventFeed();
        var clusterEvents = new Sessions.CrossNode.ClusterEventFeed();
        builder.Services.AddSingleton(localEvents);
        builder.Services.AddSingleton(clusterEvents);
        builder.Services.AddEdgeDatabase(settings);
        builder.Services.AddNodeMetrics(settings);
        builder.Services.AddEdgeGrpc();
        Edge.OpenApi.EdgeOpenApi.AddEdgeOpenApi(builder.Services);
        builder.Services.AddNodeActorSystem(settings, hocon, secrets, localEvents, clusterEvents);
        builder.Services.AddNodeHealthChecks();

        var app = builder.Build();
        app.MapNodeHealth();
        var edge = app.MapNodeEdge(settings, adminKey, secrets);
        Management.ManagementEndpoints.MapNodeManagement(app, settings, edge, secrets);
        app.MapNodeMetrics(settings, edge);
        LogLifecycle(app, settings, secrets, secretsKeySource, adminKey);
        return app;
    }

    /// <summary>Runs a node until Ctrl+C or SIGTERM, which leave the cluster and stop it cleanly. Returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (NodeConfigurationException e)
        {
            using var bootstrap = NodeLogging.CreateBootstrap();
            bootstrap.Fatal("The node cannot start: {Problem}", e.Message);
            return ConfigurationErrorExitCode;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Akka.Hosting has logged the whole exception; one line says what an operator has to fix.
                Log.Fatal("The node could not start: {Reason}", Reason(e));
                return StartFailureExitCode;
            }

            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }

        // Akka.Hosting sets a non-zero exit code when the cluster downed this node rather than the host stopping it.
        return Environment.ExitCode;
    }

    /// <summary>The HTTP addresses the node actually listens on (port 0 resolved), once started.</summary>
    public static IReadOnlyList<string> HttpAddresses(this WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>The first exception under the task wrappers, with its cause: "Failed to bind to [127.0.0.1:5081]. ... (Address already in use)".</summary>
    private static string Reason(Exception e)
    {
        while (e is AggregateException { InnerException: { } inner })
        {
            e = inner;
        }

        return e.InnerException is null ? e.Message : $"{e.Message} ({e.InnerException.Message})";
    }

    private static void LogLifecycle(
        WebApplication app, NodeSettings settings, NodeSecrets secrets, SecretsComposition.KeySource secretsKeySource, Edge.Auth.AdminKeyFile.Resolved adminKey)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SessionCluster.Host");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var cluster = Cluster.Get(app.Services.GetRequiredService<ActorSystem>());
            HostLog.Listening(log, string.Join(", ", app.HttpAddresses()), cluster.SelfAddress.ToString(), settings.Node.DataFolderFullPath);
            HostLog.Persistence(log, settings.Persistence.ProviderKind.ToString().ToLowerInvariant(), settings.Persistence.EngineKind.ToString().ToLowerInvariant(),
                PersistenceComposition.DescribeLocation(settings));
            HostLog.SecretsKey(log, secrets.Current.KeyIdHex, secretsKeySource switch
            {
                SecretsComposition.KeySource.Configuration => $"{SecretsOptions.Section}:{nameof(SecretsOptions.Key)}",
                SecretsComposition.KeySource.Environment => SecretsOptions.EnvironmentVariable,
                SecretsComposition.KeySource.KeyFile => settings.Secrets.KeyFileFullPath(settings.Node.DataFolderFullPath),
                _ => $"{settings.Secrets.KeyFileFullPath(settings.Node.DataFolderFullPath)} (generated now: back it up with the journal)",
            }, secrets.Previous.Count == 0 ? "none" : string.Join(", ", secrets.Previous.Select(k => k.KeyIdHex)));
            HostLog.AdminKey(log, adminKey.Source == Edge.Auth.AdminKeyFile.Source.Configuration ? $"{Edge.EdgeOptions.Section}:{nameof(Edge.EdgeOptions.AdminKey)}" : adminKey.File);
            if (adminKey.Source == Edge.Auth.AdminKeyFile.Source.GeneratedKeyFile)
            {
                // Once, on the console only (never through the logger, whose lines are collected and kept): the operator
                // needs the key to call the API, and can read it from the file later.
                Console.Out.WriteLine($"admin key written to {adminKey.File}: {adminKey.Key}");
            }

            cluster.RegisterOnMemberUp(() => HostLog.MemberUp(log, cluster.SelfAddress.ToString()));
        });
        app.Lifetime.ApplicationStopping.Register(() => HostLog.Stopping(log));
        app.Lifetime.ApplicationStopped.Register(() => HostLog.Stopped(log));
    }
}
