using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Support;

/// <summary>A test that starts its own ActorSystems (<see cref="Systems"/>), all terminated when it ends.</summary>
public abstract class SystemsTest(ITestOutputHelper output) : IAsyncLifetime
{
    protected Systems Systems { get; } = new(output);

    protected ITestOutputHelper Output { get; } = output;

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Systems.DisposeAsync();
}
