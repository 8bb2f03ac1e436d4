using Akka.Configuration;
using Akka.Coordination;
using SessionCluster.Persistence.Leases;

namespace SessionCluster.Persistence.Tests.Leases;

public sealed class PostgresLeaseOptionsTests
{
    private const string ConnectionString = "Host=127.0.0.1;Username=postgres;Password=not-logged";

    [Fact]
    public void The_defaults_are_a_10s_ttl_renewed_every_second_and_given_up_after_5s()
    {
        var options = Options("");
        Assert.Equal(TimeSpan.FromSeconds(10), options.HeartbeatTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), options.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), options.OperationTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.GiveUpAfter);
        Assert.Equal("aaaa5001", options.Incarnation);
    }

    [Fact]
    public void The_journal_connections_end_an_idle_transaction_after_the_same_ttl_the_lease_section_is_built_with()
    {
        var fenced = new Npgsql.NpgsqlConnectionStringBuilder(FencedConnectionString.For(ConnectionString, "aaaa5001"));
        Assert.Equal(Options("").HeartbeatTimeout, FencedConnectionString.IdleInTransactionTimeout);
        Assert.Contains($"idle_in_transaction_session_timeout={(long)Options("").HeartbeatTimeout.TotalMilliseconds}", fenced.Options, StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_safety_margin_replaces_half_the_ttl()
    {
        Assert.Equal(TimeSpan.FromSeconds(7), Options("safety-margin = 3s").GiveUpAfter);
    }

    [Theory]
    [InlineData("safety-margin = 10s", "safety-margin")]
    [InlineData("heartbeat-interval = 4s, safety-margin = 7s", "heartbeat-interval")]
    [InlineData("connection-string = \"\"", "connection-string")]
    [InlineData("incarnation = \"a#b\"", "incarnation")]
    public void A_section_that_could_not_keep_a_lease_is_refused_naming_the_key(string overrides, string key)
    {
        var failure = Assert.Throws<LeaseFailureException>(() => Options(overrides));
        Assert.Equal(LeaseFailure.InvalidConfiguration, failure.Failure);
        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-logged", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_lease_class_is_this_assemblys_PostgresLease()
    {
        var section = PostgresLeaseConfig.Create(ConnectionString, "aaaa5001").GetConfig(PostgresLeaseConfig.Path);
        Assert.Equal(typeof(PostgresLease), Type.GetType(section.GetString("lease-class"), throwOnError: true));
    }

    private static PostgresLeaseOptions Options(string overrides)
    {
        var section = ConfigurationFactory.ParseString(overrides)
            .WithFallback(PostgresLeaseConfig.Create(ConnectionString, "aaaa5001").GetConfig(PostgresLeaseConfig.Path));
        return PostgresLeaseOptions.From(LeaseSettings.Create(section, "lease", "127.0.0.1:1"));
    }
}
