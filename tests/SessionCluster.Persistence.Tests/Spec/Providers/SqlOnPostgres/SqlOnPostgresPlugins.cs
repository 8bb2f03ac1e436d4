using Akka.Configuration;

namespace SessionCluster.Persistence.Tests.Spec.Providers.SqlOnPostgres;

/// <summary>
/// Akka.Persistence.Sql (linq2db) on PostgreSQL 15 through Npgsql (provider <c>PostgreSQL.15</c>) exactly as the node
/// configures it (<see cref="SessionClusterPersistence.Postgres"/>): its journal, snapshot store and read journal on one
/// database of the test class's own, tables created by the plugins. Live queries poll every 200 ms instead of 1 s so
/// that each live test does not wait for it.
/// </summary>
internal static class SqlOnPostgresPlugins
{
    public const string ReadJournalPluginId = SessionClusterPersistence.PostgresReadJournalId;

    public static Config For(string connectionString) => ConfigurationFactory.ParseString(
        "akka.persistence.query.journal.sql.refresh-interval = 200ms").WithFallback(SessionClusterPersistence.Postgres(connectionString));
}
