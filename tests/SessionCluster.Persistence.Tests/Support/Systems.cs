using Akka.Actor;
using Akka.Configuration;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Support;

/// <summary>ActorSystems a test starts itself (several on one journal, as separate nodes would be), all terminated at the end.</summary>
public sealed class Systems(ITestOutputHelper output) : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly List<ActorSystem> _systems = [];

    public ActorSystem Start(string name, Config config) => Add(ActorSystem.Create(name, config));

    /// <summary>Terminates <paramref name="system"/> with the others at the end.</summary>
    public ActorSystem Add(ActorSystem system)
    {
        _systems.Add(system);
        output.WriteLine($"started ActorSystem {system.Name}");
        return system;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var system in _systems)
        {
            await system.Terminate();
        }
    }
}
