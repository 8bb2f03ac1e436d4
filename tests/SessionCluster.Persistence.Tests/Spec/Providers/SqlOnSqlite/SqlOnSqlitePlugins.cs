using Akka.Configuration;
using Akka.Persistence.Sql;
using Microsoft.Data.Sqlite;

namespace SessionCluster.Persistence.Tests.Spec.Providers.SqlOnSqlite;

/// <summary>
/// Akka.Persistence.Sql (linq2db) on a SQLite file through Microsoft.Data.Sqlite (provider <c>SQLite.MS</c>): its
/// journal, snapshot store and read journal on one fresh temp file, tables created by the plugins themselves.
/// </summary>
internal sealed class SqlOnSqlitePlugins
{
    public const string ReadJournalPluginId = "akka.persistence.query.journal.sql";

    private SqlOnSqlitePlugins(string file) => File = file;

    /// <summary>The database file, in a temp folder of its own.</summary>
    public string File { get; }

    public static SqlOnSqlitePlugins CreateFresh()
    {
        var folder = Directory.CreateTempSubdirectory("sessioncluster-persistence-spec-").FullName;
        return new SqlOnSqlitePlugins(Path.Combine(folder, "akka.db"));
    }

    public Config Config
    {
        get
        {
            var connection = new SqliteConnectionStringBuilder { DataSource = File }.ToString();
            return ConfigurationFactory.ParseString($$"""
                akka.persistence {
                  journal {
                    plugin = "akka.persistence.journal.sql"
                    sql { connection-string = "{{connection}}", provider-name = "SQLite.MS" }
                  }
                  snapshot-store {
                    plugin = "akka.persistence.snapshot-store.sql"
                    sql { connection-string = "{{connection}}", provider-name = "SQLite.MS" }
                  }
                  query.journal.sql {
                    connection-string = "{{connection}}"
                    provider-name = "SQLite.MS"
                    # Live queries poll; the default 1 s would make each live test wait for it.
                    refresh-interval = 200ms
                  }
                }
                """).WithFallback(SqlPersistence.DefaultConfiguration);
        }
    }

    /// <summary>Deletes the file once nothing holds it: Microsoft.Data.Sqlite pools connections across actor systems.</summary>
    public void Delete()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(File)!, recursive: true);
    }
}
