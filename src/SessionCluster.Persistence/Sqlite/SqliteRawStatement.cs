using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SessionCluster.Persistence.Sqlite;

/// <summary>
/// A statement prepared once on the write connection and driven through SQLitePCL.raw: parameters bound by
/// position straight from spans (UTF-16 text, blobs without a copy into an array), no reader object per
/// execution. Used for the statements that run once or twice per appended event; the rest use SqliteCommand.
/// </summary>
internal sealed class SqliteRawStatement : IDisposable
{
    private const int Done = 101, Row = 100;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteRawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The write connection is not open.");
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, sql, out _statement), _db);
    }

    /// <summary>Binds parameter <paramref name="index"/> (1-based).</summary>
    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, string value) => Check(raw.sqlite3_bind_text16(_statement, index, value.AsSpan()));

    public void Bind(int index, ReadOnlySpan<byte> value) =>
        // An empty span would bind NULL; a zero-length blob is what was written.
        Check(value.IsEmpty ? raw.sqlite3_bind_zeroblob(_statement, index, 0) : raw.sqlite3_bind_blob(_statement, index, value));

    /// <summary>Runs the statement to its end (it must return no rows) and returns the rows it changed.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != Done)
        {
            SqliteException.ThrowExceptionForRC(rc == Row ? raw.SQLITE_MISUSE : rc, _db);
        }

        return raw.sqlite3_changes(_db);
    }

    public void Dispose() => raw.sqlite3_finalize(_statement);

    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _db);
}
