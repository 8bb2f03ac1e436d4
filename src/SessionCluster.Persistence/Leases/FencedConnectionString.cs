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

    /// <summary><paramref name="connectionString"/> with <c>Application Name=sc-{incarnation}</c> (any previous one replaced).</summary>
    /// <exception cref="LeaseFailureException"><paramref name="incarnation"/> is not a valid incarnation.</exception>
    public static string For(string connectionString, string incarnation)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        if (!LeaseIncarnation.IsValid(incarnation))
        {
            throw new LeaseFailureException(LeaseFailure.InvalidConfiguration, "the incarnation must be 4–32 ASCII letters or digits.");
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = ApplicationNamePrefix + incarnation }.ConnectionString;
    }
}
