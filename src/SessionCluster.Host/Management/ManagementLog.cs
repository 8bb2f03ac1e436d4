namespace SessionCluster.Host.Management;

/// <summary>The management API's log lines (event ids 7050–7069 of the host's 7000–7099): every change an operator asks for.</summary>
internal static partial class ManagementLog
{
    [LoggerMessage(EventId = 7050, Level = LogLevel.Warning, Message = "Management: {Action} of cluster member {Address} requested")]
    public static partial void MemberAction(ILogger logger, string action, string address);

    [LoggerMessage(EventId = 7051, Level = LogLevel.Information, Message = "Management: move of shard {ShardId} from {From} to {To} requested")]
    public static partial void ShardMove(ILogger logger, string shardId, string from, string to);

    [LoggerMessage(EventId = 7052, Level = LogLevel.Warning, Message = "Management: drain of this node ({Address}) requested: leaving the cluster, then stopping")]
    public static partial void Drain(ILogger logger, string address);
}
