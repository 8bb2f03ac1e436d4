using Xunit;

namespace SessionCluster.Actors.TestKit;

/// <summary>
/// An <see cref="ActorSystem"/> for an xunit class or collection fixture: created with the fixture, shut down when
/// xunit disposes it. Prefer <see cref="ActorTestKit"/> when each test should get a fresh system.
/// </summary>
public class ActorSystemFixture : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>Creates the fixture's system (name "fixture").</summary>
    public ActorSystemFixture() : this(null) { }

    /// <summary>Creates the fixture's system with <paramref name="options"/>.</summary>
    protected ActorSystemFixture(ActorSystemOptions? options) => System = ActorSystem.Create("fixture", options);

    /// <summary>The system under test.</summary>
    public ActorSystem System { get; }

    /// <summary>A new probe in <see cref="System"/>.</summary>
    public TestProbe<T> CreateProbe<T>(string? name = null) where T : class => new(System, name);

    /// <inheritdoc />
    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Shuts the system down.</summary>
    public async ValueTask DisposeAsync()
    {
        await System.ShutdownAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
