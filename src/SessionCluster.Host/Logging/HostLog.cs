namespace SessionCluster.Host.Logging;

/// <summary>
/// Every log line of the host itself, source-generated, with stable event ids (7000–7099). None carries a secret:
/// the journal is described by <see cref="Composition.PersistenceComposition.DescribeLocation"/>, never by its
/// connection string.
/// </summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Node listening: HTTP {HttpUrls}, cluster address {ClusterAddress}, data folder {DataFolder}")]
    public static partial void Listening(ILogger logger, string httpUrls, string clusterAddress, string dataFolder);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Persistence: provider {Provider} on {Engine} at {Location}")]
    public static partial void Persistence(ILogger logger, string provider, string engine, string location);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Cluster member {ClusterAddress} is Up")]
    public static partial void MemberUp(ILogger logger, string clusterAddress);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Node stopping: leaving the cluster and stopping actors (CoordinatedShutdown)")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Secrets at rest: key {KeyId} from {KeySource}, previous keys {PreviousKeyIds}")]
    public static partial void SecretsKey(ILogger logger, string keyId, string keySource, string previousKeyIds);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Information, Message = "Edge API on /v1: admin key from {AdminKeySource}")]
    public static partial void AdminKey(ILogger logger, string adminKeySource);

    [LoggerMessage(EventId = 7007, Level = LogLevel.Information, Message = "Edge database ({Engine}) ready; migrations applied now: {Applied}")]
    public static partial void EdgeDatabaseReady(ILogger logger, string engine, string applied);

    [LoggerMessage(EventId = 7008, Level = LogLevel.Warning, Message = "Edge database ({Engine}) cannot be migrated yet ({Failure}); the API answers 503 until it is; next attempt in {RetrySeconds} s")]
    public static partial void EdgeDatabaseUnreachable(ILogger logger, string engine, string failure, double retrySeconds);

    [LoggerMessage(EventId = 7009, Level = LogLevel.Warning, Message = "Metrics: the edge directory could not name the per-session series ({Failure}); this scrape labels them by actor id")]
    public static partial void MetricsSessionNamesUnavailable(ILogger logger, string failure);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Node stopped")]
    public static partial void Stopped(ILogger logger);
}
