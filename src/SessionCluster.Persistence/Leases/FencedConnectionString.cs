using Npgsql;

namespace SessionCluster.Persistence.Leases;

/// <summary>
/// The journal's connection string carrying the process's fencing token: PostgreSQL's <c>application_name</c>
/// <c>sc-{incarnation}</c>, which the fence trigger reads on every journal and snapshot write (docs/CLUSTER.md).
/// </summary>
public static class FencedConnectionString
{
    /// <summary>The application_name prefix the fence trigger strips to get the writer's incarnation.</summary>
    public const string ApplicationNamePrefix = "sc-";

    /// <summary>
    /// The lease's TTL (<see cref="PostgresLeaseConfig.HeartbeatTimeout"/>, 10 s): PostgreSQL ends a journal connection that sits this long inside a transaction. The fence
    /// trigger share-locks the session's lease row until the write commits, so a writer frozen between its INSERT and
    /// its COMMIT (SIGSTOP, a stalled VM, a partition with the socket still open) would otherwise block the next
    /// holder's takeover of that lease for as long as it stays frozen, and its sessions would never move.
    /// </summary>
    public static TimeSpan IdleInTransactionTimeout => PostgresLeaseConfig.HeartbeatTimeout;

    /// <summary>
    /// <paramref name="connectionString"/> with <c>Application Name=sc-{incarnation}</c> (any previous one replaced) and
    /// <c>idle_in_transaction_session_timeout</c> set to <see cref="IdleInTransactionTimeout"/> for its sessions.
    /// </summary>
    /// <exception cref="LeaseFailureException"><paramref name="incarnation"/> is not a valid incarnation.</exception>
    public static string For(string connectionString, string incarnation)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        if (!LeaseIncarnation.IsValid(incarnation))
        {
            throw new LeaseFailureException(LeaseFailure.InvalidConfiguration, "the incarnation must be 4–32 ASCII letters or digits.");
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = ApplicationNamePrefix + incarnation };
        var idle = $"-c idle_in_transaction_session_timeout={(long)IdleInTransactionTimeout.TotalMilliseconds}";
        builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? idle : builder.Options + " " + idle;
        return builder.ConnectionString;
    }
}
