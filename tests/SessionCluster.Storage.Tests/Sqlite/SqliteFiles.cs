using Microsoft.Data.Sqlite;

namespace SessionCluster.Storage.Tests.Sqlite;

/// <summary>A temp folder for one test's database files, deleted afterwards, and raw access underneath the journal.</summary>
internal sealed class SqliteFiles : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sessioncluster-sqlite-").FullName;
    private int _next;

    public string NewPath() => Path.Combine(_folder, $"journal-{Interlocked.Increment(ref _next)}.db");

    /// <summary>Flips the lowest bit of the first payload byte of a row in <paramref name="table"/>.</summary>
    public static void CorruptPayload(string path, string table, string persistenceId, long sequenceNr)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT payload FROM {table} WHERE persistence_id = $pid AND sequence_nr = $seq";
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$seq", sequenceNr);
        var payload = Assert.IsType<byte[]>(command.ExecuteScalar());
        Assert.NotEmpty(payload);
        payload[0] ^= 0x01;
        command.CommandText = $"UPDATE {table} SET payload = $payload WHERE persistence_id = $pid AND sequence_nr = $seq";
        command.Parameters.AddWithValue("$payload", payload);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    public static IReadOnlyList<(int Version, string Name)> ReadMigrations(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, name FROM schema_migrations ORDER BY version";
        using var reader = command.ExecuteReader();
        var rows = new List<(int, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1)));
        }

        return rows;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
