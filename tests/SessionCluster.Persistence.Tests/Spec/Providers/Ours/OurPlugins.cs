using Akka.Configuration;

namespace SessionCluster.Persistence.Tests.Spec.Providers.Ours;

/// <summary>
/// SessionCluster's own plugins (journal, snapshot store, read journal) on a fresh SQLite file or PostgreSQL
/// database, as the defaults; live queries poll every 200 ms so that a live test does not wait a whole second.
/// </summary>
internal static class OurPlugins
{
    public static Config Sqlite(string path) => ConfigurationFactory.ParseString(
        "sessioncluster.persistence.query.sqlite.refresh-interval = 200ms").WithFallback(SessionClusterPersistence.Sqlite(path));

    public static Config Postgres(string connectionString) => ConfigurationFactory.ParseString(
        "sessioncluster.persistence.query.postgres.refresh-interval = 200ms").WithFallback(SessionClusterPersistence.Postgres(connectionString));

    public static string FreshSqliteFile() => Path.Combine(Directory.CreateTempSubdirectory("sessioncluster-ours-spec-").FullName, "journal.db");
}
