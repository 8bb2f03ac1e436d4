using Npgsql;

namespace SessionCluster.Persistence.Leases;

/// <summary>
/// Installs the lease and fence schema in PostgreSQL (tables sc_leases and sc_session_fences, the fence functions) and
/// attaches the fence trigger to Akka.Persistence.Sql's journal and snapshot tables. Both are idempotent and
/// forward-only, and safe to run from every node at once (they serialize on a transaction-scoped advisory lock).
/// </summary>
public static class LeaseSchema
{
    private static readonly TimeSpan AttachPollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Creates what is missing of the lease schema and replaces the fence functions with this build's.</summary>
    /// <exception cref="LeaseFailureException">DatabaseUnreachable: PostgreSQL failed.</exception>
    public static async Task InstallAsync(string connectionString, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        await InTransactionAsync(connectionString, LeaseSql.Install, "install the lease schema", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Attaches the fence trigger (BEFORE INSERT OR UPDATE, per row) to the journal and snapshot tables of
    /// Akka.Persistence.Sql's default table mapping, waiting up to <paramref name="timeout"/> for them to exist (the
    /// journal creates them on first use). Until this returns, session rows are not fenced: call it after
    /// <see cref="InstallAsync"/>, once the journal and snapshot store have started, and before the shard region does.
    /// </summary>
    /// <exception cref="LeaseFailureException">JournalTablesMissing after <paramref name="timeout"/>; DatabaseUnreachable.</exception>
    public static async Task AttachFenceAsync(string connectionString, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        var started = TimeProvider.System.GetTimestamp();
        while (!await TablesExistAsync(connectionString, cancellationToken).ConfigureAwait(false))
        {
            if (TimeProvider.System.GetElapsedTime(started) >= timeout)
            {
                throw new LeaseFailureException(LeaseFailure.JournalTablesMissing,
                    $"the tables {LeaseSql.JournalTable} and {LeaseSql.SnapshotTable} did not appear within {timeout.TotalSeconds} s; has the journal started on this database?");
            }

            await Task.Delay(AttachPollInterval, cancellationToken).ConfigureAwait(false);
        }

        await InTransactionAsync(connectionString, LeaseSql.Attach, "attach the write fence", cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> TablesExistAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(LeaseSql.JournalTablesExist, connection);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
        }
        catch (NpgsqlException e)
        {
            throw new LeaseFailureException(LeaseFailure.DatabaseUnreachable, $"could not look for the journal tables ({e.GetType().Name}).", e);
        }
    }

    private static async Task InTransactionAsync(string connectionString, string sql, string what, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = new NpgsqlCommand(sql, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            throw new LeaseFailureException(LeaseFailure.DatabaseUnreachable, $"could not {what} ({e.GetType().Name}: {(e as PostgresException)?.MessageText ?? "no server message"}).", e);
        }
    }
}
