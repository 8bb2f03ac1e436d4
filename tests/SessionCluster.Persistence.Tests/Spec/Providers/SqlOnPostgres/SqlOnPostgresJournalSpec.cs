using Akka.Configuration;
using SessionCluster.Persistence.Tests.Spec.Journal;
using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Providers.SqlOnPostgres;

[Collection(PostgresCollection.Name)]
public sealed class SqlOnPostgresJournalSpec(PostgresServer server, ITestOutputHelper output) : JournalSpec(output)
{
    protected override async Task<Config> CreatePluginConfigAsync() =>
        SqlOnPostgresPlugins.For(await server.DatabaseForClassAsync(nameof(SqlOnPostgresJournalSpec)));
}
