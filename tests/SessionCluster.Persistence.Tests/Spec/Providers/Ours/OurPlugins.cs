using Akka.Configuration;

namespace SessionCluster.Persistence.Tests.Spec.Providers.Ours;

/// <summary>
/// SessionCluster's own plugins (journal, snapshot store, read journal) on a fresh SQLite file, as the defaults; live
/// queries poll every 200 ms so that a live test does not wait a whole second. (Our PostgreSQL plugin ran this suite
/// too until issue 9's benchmark removed it; on PostgreSQL the node uses Akka.Persistence.Sql, SqlOnPostgres*.)
/// </summary>
internal static class OurPlugins
{
    public static Config Sqlite(string path) => ConfigurationFactory.ParseString(
        "sessioncluster.persistence.query.sqlite.refresh-interval = 200ms").WithFallback(SessionClusterPersistence.Sqlite(path));

    public static string FreshSqliteFile() => Path.Combine(Directory.CreateTempSubdirectory("sessioncluster-ours-spec-").FullName, "journal.db");
}
