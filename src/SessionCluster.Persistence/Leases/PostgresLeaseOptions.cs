using Akka.Coordination;

namespace SessionCluster.Persistence.Leases;

/// <summary>
/// The settings of one <see cref="PostgresLease"/>, read from its HOCON section (<see cref="PostgresLeaseConfig"/>).
/// </summary>
/// <param name="HeartbeatTimeout">
/// <c>heartbeat-timeout</c>, the TTL PostgreSQL keeps a lease after its last renewal; default 10s: a crashed node's
/// shards are free again within 10 s, while a database pause of a few seconds does not drop every shard.
/// </param>
/// <param name="HeartbeatInterval">
/// <c>heartbeat-interval</c>, the renewal period; default 1s, so the holder gets about
/// (TTL − margin) / interval = 5 tries before it must give the lease up, and one slow or failed renewal costs nothing.
/// It costs one indexed UPDATE per held lease per second. Akka requires it below TTL/2.
/// </param>
/// <param name="OperationTimeout">
/// <c>lease-operation-timeout</c>, the limit of one acquire, renew or release; default 3s, below the margin, so a hung
/// renewal is abandoned early enough for the next try.
/// </param>
/// <param name="SafetyMargin">
/// <c>safety-margin</c>: the holder gives the lease up once no renewal has succeeded for TTL − margin, measured on its
/// own monotonic clock from the start of the last successful renewal (which is before PostgreSQL's now() of that
/// renewal, so the holder's deadline is never later than the row's). Default TTL/2 (5 s): time for the Shard to stop its
/// entities before anyone else can acquire, with room for a paused process or a slow stop.
/// </param>
/// <param name="ConnectionString">The lease database's connection string (<c>connection-string</c>); never logged.</param>
/// <param name="Incarnation">The process's incarnation (<c>incarnation</c>, see <see cref="LeaseIncarnation"/>).</param>
internal sealed record PostgresLeaseOptions(
    TimeSpan HeartbeatTimeout,
    TimeSpan HeartbeatInterval,
    TimeSpan OperationTimeout,
    TimeSpan SafetyMargin,
    string ConnectionString,
    string Incarnation)
{
    /// <summary>How long the holder keeps the lease without a successful renewal.</summary>
    public TimeSpan GiveUpAfter => HeartbeatTimeout - SafetyMargin;

    /// <summary>Reads the options from the settings Akka's LeaseProvider built from the lease's config section.</summary>
    public static PostgresLeaseOptions From(LeaseSettings settings)
    {
        var config = settings.LeaseConfig;
        var timeout = settings.TimeoutSettings.HeartbeatTimeout;
        var margin = config.HasPath("safety-margin") && !string.IsNullOrEmpty(config.GetString("safety-margin", null))
            ? config.GetTimeSpan("safety-margin")
            : timeout / 2;
        var options = new PostgresLeaseOptions(
            timeout,
            settings.TimeoutSettings.HeartbeatInterval,
            settings.TimeoutSettings.OperationTimeout,
            margin,
            config.GetString("connection-string", ""),
            config.GetString("incarnation", ""));
        options.Validate();
        return options;
    }

    /// <summary>Throws <see cref="LeaseFailureException"/> (InvalidConfiguration) naming the first bad key.</summary>
    public void Validate()
    {
        Require(ConnectionString.Length > 0, "connection-string is empty (the host sets it)");
        Require(LeaseIncarnation.IsValid(Incarnation), "incarnation must be 4–32 ASCII letters or digits (the host sets it)");
        Require(HeartbeatTimeout > TimeSpan.Zero, "heartbeat-timeout must be positive");
        Require(HeartbeatInterval > TimeSpan.Zero, "heartbeat-interval must be positive");
        Require(OperationTimeout > TimeSpan.Zero, "lease-operation-timeout must be positive");
        Require(SafetyMargin > TimeSpan.Zero && SafetyMargin < HeartbeatTimeout, "safety-margin must be positive and below heartbeat-timeout");
        Require(HeartbeatInterval < GiveUpAfter, "heartbeat-interval must be below heartbeat-timeout − safety-margin, or no renewal could keep the lease");
    }

    private static void Require(bool condition, string what)
    {
        if (!condition)
        {
            throw new LeaseFailureException(LeaseFailure.InvalidConfiguration, $"sessioncluster.postgres-lease: {what}.");
        }
    }
}
