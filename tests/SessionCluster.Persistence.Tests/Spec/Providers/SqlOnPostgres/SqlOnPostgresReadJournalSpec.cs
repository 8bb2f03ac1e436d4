using Akka.Configuration;
using SessionCluster.Persistence.Tests.Spec.Query;
using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Providers.SqlOnPostgres;

[Collection(PostgresCollection.Name)]
public sealed class SqlOnPostgresReadJournalSpec(PostgresServer server, ITestOutputHelper output) : ReadJournalSpec(output)
{
    protected override string ReadJournalPluginId => SqlOnPostgresPlugins.ReadJournalPluginId;

    protected override async Task<Config> CreatePluginConfigAsync() =>
        SqlOnPostgresPlugins.For(await server.DatabaseForClassAsync(nameof(SqlOnPostgresReadJournalSpec)));
}
