using Akka.Configuration;
using SessionCluster.Persistence.Tests.Spec.Snapshots;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Providers.SqlOnSqlite;

public sealed class SqlOnSqliteSnapshotStoreSpec(ITestOutputHelper output) : SnapshotStoreSpec(output)
{
    private readonly SqlOnSqlitePlugins _store = SqlOnSqlitePlugins.CreateFresh();

    protected override Task<Config> CreatePluginConfigAsync() => Task.FromResult(_store.Config);

    protected override Task DeleteStoreAsync()
    {
        _store.Delete();
        return Task.CompletedTask;
    }
}
