using Akka.Configuration;
using Akka.Persistence.Sql;

namespace SessionCluster.Persistence.Tests.Spec.Providers.SqlOnPostgres;

/// <summary>
/// Akka.Persistence.Sql (linq2db) on PostgreSQL 15 through Npgsql (provider <c>PostgreSQL.15</c>): its journal,
/// snapshot store and read journal on one database of the test class's own, tables created by the plugins.
/// </summary>
internal static class SqlOnPostgresPlugins
{
    public const string ReadJournalPluginId = "akka.persistence.query.journal.sql";

    public static Config For(string connectionString) => ConfigurationFactory.ParseString($$"""
        akka.persistence {
          journal {
            plugin = "akka.persistence.journal.sql"
            sql { connection-string = "{{connectionString}}", provider-name = "PostgreSQL.15" }
          }
          snapshot-store {
            plugin = "akka.persistence.snapshot-store.sql"
            sql { connection-string = "{{connectionString}}", provider-name = "PostgreSQL.15" }
          }
          query.journal.sql {
            connection-string = "{{connectionString}}"
            provider-name = "PostgreSQL.15"
            # Live queries poll; the default 1 s would make each live test wait for it.
            refresh-interval = 200ms
          }
        }
        """).WithFallback(SqlPersistence.DefaultConfiguration);
}
