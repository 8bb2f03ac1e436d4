using Npgsql;
using NpgsqlTypes;

namespace SessionCluster.Persistence.Leases;

/// <summary>
/// The lease row operations, one statement each, bounded by the caller's token. Connections come from Npgsql's pool
/// for the connection string, shared by every lease of the process. Database errors become
/// <see cref="LeaseFailureException"/>s; the connection string is in none of them.
/// </summary>
internal sealed class LeaseStore(string connectionString, string leaseName, LeaseHolder holder, TimeSpan ttl)
{
    /// <summary>The new or kept epoch when the lease is ours now, null when another holder has it.</summary>
    public Task<long?> AcquireAsync(CancellationToken cancellationToken) =>
        RunAsync(LeaseSql.Acquire, null, static async (command, token) =>
        {
            var result = await command.ExecuteScalarAsync(token).ConfigureAwait(false);
            return result is long epoch ? epoch : (long?)null;
        }, cancellationToken);

    /// <summary>Whether our holding at <paramref name="epoch"/> was extended by the TTL.</summary>
    public Task<bool> RenewAsync(long epoch, CancellationToken cancellationToken) =>
        RunAsync(LeaseSql.Renew, epoch, static async (command, token) => await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1, cancellationToken);

    /// <summary>Whether our holding at <paramref name="epoch"/> was still live and is expired now.</summary>
    public Task<bool> ReleaseAsync(long epoch, CancellationToken cancellationToken) =>
        RunAsync(LeaseSql.Release, epoch, static async (command, token) => await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 1, cancellationToken);

    /// <summary>
    /// <see cref="ReleaseAsync"/> on the calling thread, with Npgsql's synchronous calls: for a caller that blocks its
    /// thread on the release anyway (Akka's Shard.PostStop), so that finishing it never waits for another pool thread.
    /// The statement is bounded by <paramref name="timeout"/>, opening the connection by the connection string's Timeout.
    /// </summary>
    public bool Release(long epoch, TimeSpan timeout)
    {
        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var command = Command(LeaseSql.Release, epoch, connection);
            command.CommandTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
            return command.ExecuteNonQuery() == 1;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new LeaseFailureException(LeaseFailure.DatabaseUnreachable, $"lease {leaseName}: PostgreSQL failed ({e.GetType().Name}).", e);
        }
    }

    private async Task<T> RunAsync<T>(string sql, long? epoch, Func<NpgsqlCommand, CancellationToken, Task<T>> run, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = Command(sql, epoch, connection);
            return await run(command, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new LeaseFailureException(LeaseFailure.DatabaseUnreachable, $"lease {leaseName}: PostgreSQL failed ({e.GetType().Name}).", e);
        }
    }

    private NpgsqlCommand Command(string sql, long? epoch, NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("name", leaseName);
        command.Parameters.AddWithValue("owner", holder.Owner);
        command.Parameters.AddWithValue("incarnation", holder.Incarnation);
        command.Parameters.AddWithValue("ttl", NpgsqlDbType.Interval, ttl);
        if (epoch is { } value)
        {
            command.Parameters.AddWithValue("epoch", value);
        }

        return command;
    }
}
