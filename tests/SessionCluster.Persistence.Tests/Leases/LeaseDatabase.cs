using Akka.Configuration;
using Akka.Coordination;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SessionCluster.Persistence.Leases;
using SessionCluster.TestSupport;

namespace SessionCluster.Persistence.Tests.Leases;

/// <summary>A fresh database with the lease schema installed, and the leases and SQL the lease tests use on it.</summary>
public sealed class LeaseDatabase
{
    /// <summary>Short timings so the tests wait seconds, not the production 10 s: TTL 4 s, renew every 250 ms, give up after 2 s.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(4);

    public const string TestTimings = """
        heartbeat-timeout = 4s
        heartbeat-interval = 250ms
        lease-operation-timeout = 1s
        """;

    public LeaseDatabase(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    public static async Task<LeaseDatabase> CreateAsync(PostgresServer server, string hint)
    {
        var connectionString = await server.CreateDatabaseAsync(hint);
        await LeaseSchema.InstallAsync(connectionString, CancellationToken.None);
        return new LeaseDatabase(connectionString);
    }

    /// <summary>The lease section as the host builds it, with the test timings first.</summary>
    public Config LeaseConfig(string incarnation, string connectionString = "") =>
        ConfigurationFactory.ParseString($"{PostgresLeaseConfig.Path} {{ {TestTimings} }}")
            .WithFallback(PostgresLeaseConfig.Create(connectionString.Length > 0 ? connectionString : ConnectionString, incarnation));

    /// <summary>A lease as Akka's LeaseProvider would build it for <paramref name="owner"/> (host:port) in process <paramref name="incarnation"/>.</summary>
    public PostgresLease Lease(string name, string owner, string incarnation, string connectionString = "")
    {
        var section = LeaseConfig(incarnation, connectionString).GetConfig(PostgresLeaseConfig.Path);
        return new PostgresLease(LeaseSettings.Create(section, name, owner), NullLogger.Instance, TimeProvider.System);
    }

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is DBNull or null ? default : (T)result;
    }

    public Task<long> EpochAsync(string lease) => ScalarAsync<long>("SELECT epoch FROM sc_leases WHERE name = @n", ("n", lease));

    public Task<string?> OwnerAsync(string lease) => ScalarAsync<string>("SELECT owner FROM sc_leases WHERE name = @n AND expires_at > now()", ("n", lease));
}
