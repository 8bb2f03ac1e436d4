using Akka.Configuration;
using SessionCluster.Persistence.Tests.Spec.Query;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Providers.SqlOnSqlite;

public sealed class SqlOnSqliteReadJournalSpec(ITestOutputHelper output) : ReadJournalSpec(output)
{
    private readonly SqlOnSqlitePlugins _store = SqlOnSqlitePlugins.CreateFresh();

    protected override string ReadJournalPluginId => SqlOnSqlitePlugins.ReadJournalPluginId;

    protected override Task<Config> CreatePluginConfigAsync() => Task.FromResult(_store.Config);

    protected override Task DeleteStoreAsync()
    {
        _store.Delete();
        return Task.CompletedTask;
    }
}
