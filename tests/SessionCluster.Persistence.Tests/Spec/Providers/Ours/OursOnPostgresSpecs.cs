using Akka.Configuration;
using SessionCluster.Persistence.Tests.Spec.Journal;
using SessionCluster.Persistence.Tests.Spec.Query;
using SessionCluster.Persistence.Tests.Spec.Snapshots;
using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Providers.Ours;

[Collection(PostgresCollection.Name)]
public sealed class OursOnPostgresJournalSpec(PostgresServer server, ITestOutputHelper output) : JournalSpec(output)
{
    protected override async Task<Config> CreatePluginConfigAsync() =>
        OurPlugins.Postgres(await server.DatabaseForClassAsync(nameof(OursOnPostgresJournalSpec)));
}

[Collection(PostgresCollection.Name)]
public sealed class OursOnPostgresSnapshotStoreSpec(PostgresServer server, ITestOutputHelper output) : SnapshotStoreSpec(output)
{
    protected override async Task<Config> CreatePluginConfigAsync() =>
        OurPlugins.Postgres(await server.DatabaseForClassAsync(nameof(OursOnPostgresSnapshotStoreSpec)));
}

[Collection(PostgresCollection.Name)]
public sealed class OursOnPostgresReadJournalSpec(PostgresServer server, ITestOutputHelper output) : ReadJournalSpec(output)
{
    protected override string ReadJournalPluginId => SessionClusterPersistence.PostgresReadJournalId;

    protected override async Task<Config> CreatePluginConfigAsync() =>
        OurPlugins.Postgres(await server.DatabaseForClassAsync(nameof(OursOnPostgresReadJournalSpec)));
}
