using Akka.Configuration;
using SessionCluster.Persistence.Tests.Spec.Snapshots;
using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Providers.SqlOnPostgres;

[Collection(PostgresCollection.Name)]
public sealed class SqlOnPostgresSnapshotStoreSpec(PostgresServer server, ITestOutputHelper output) : SnapshotStoreSpec(output)
{
    protected override async Task<Config> CreatePluginConfigAsync() =>
        SqlOnPostgresPlugins.For(await server.DatabaseForClassAsync(nameof(SqlOnPostgresSnapshotStoreSpec)));
}
