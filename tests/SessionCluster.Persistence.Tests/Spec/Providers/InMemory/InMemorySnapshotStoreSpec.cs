using Akka.Configuration;
using SessionCluster.Persistence.Tests.Spec.Snapshots;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Providers.InMemory;

public sealed class InMemorySnapshotStoreSpec(ITestOutputHelper output) : SnapshotStoreSpec(output)
{
    protected override Task<Config> CreatePluginConfigAsync() => Task.FromResult(InMemoryPlugins.Config);
}
