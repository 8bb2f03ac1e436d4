using Akka.Configuration;
using SessionCluster.Persistence.Tests.Spec.Journal;
using SessionCluster.Persistence.Tests.Spec.Query;
using SessionCluster.Persistence.Tests.Spec.Snapshots;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Providers.Ours;

public sealed class OursOnSqliteJournalSpec(ITestOutputHelper output) : JournalSpec(output)
{
    protected override Task<Config> CreatePluginConfigAsync() => Task.FromResult(OurPlugins.Sqlite(OurPlugins.FreshSqliteFile()));
}

public sealed class OursOnSqliteSnapshotStoreSpec(ITestOutputHelper output) : SnapshotStoreSpec(output)
{
    protected override Task<Config> CreatePluginConfigAsync() => Task.FromResult(OurPlugins.Sqlite(OurPlugins.FreshSqliteFile()));
}

public sealed class OursOnSqliteReadJournalSpec(ITestOutputHelper output) : ReadJournalSpec(output)
{
    protected override string ReadJournalPluginId => SessionClusterPersistence.SqliteReadJournalId;

    protected override Task<Config> CreatePluginConfigAsync() => Task.FromResult(OurPlugins.Sqlite(OurPlugins.FreshSqliteFile()));
}
