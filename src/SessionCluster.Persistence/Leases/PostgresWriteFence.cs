using Npgsql;

namespace SessionCluster.Persistence.Leases;

/// <summary>
/// The write fence on PostgreSQL: registers a session's lease in <c>sc_session_fences</c>, which the fence trigger on
/// the journal and snapshot tables reads (docs/CLUSTER.md, "Leases and write fencing").
/// </summary>
public sealed class PostgresWriteFence(string connectionString) : IWriteFence
{
    /// <inheritdoc />
    public async ValueTask RegisterAsync(string sessionId, string leaseName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        ArgumentException.ThrowIfNullOrEmpty(leaseName);
        string? registered;
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(LeaseSql.Register, connection);
            command.Parameters.AddWithValue("session", sessionId);
            command.Parameters.AddWithValue("lease", leaseName);
            registered = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
        catch (NpgsqlException e)
        {
            throw new LeaseFailureException(LeaseFailure.DatabaseUnreachable, $"could not register session {sessionId} with the write fence ({e.GetType().Name}).", e);
        }

        // Never re-pointed silently: moving a session to another lease would let that lease's holder write it.
        if (!string.Equals(registered, leaseName, StringComparison.Ordinal))
        {
            throw new LeaseFailureException(LeaseFailure.FenceMismatch,
                $"session {sessionId} is registered under lease {registered ?? "(none)"}, not {leaseName}; did the shard count or the system name change?");
        }
    }
}
