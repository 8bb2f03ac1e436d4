using Microsoft.Extensions.Logging;

namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// The webhook logs, EventIds 7200–7299. They name webhooks, actor ids, seqs and receiver hosts; never a secret, a
/// verify token, a URL's path or query (they may carry tokens) or an event's content.
/// </summary>
internal static partial class WebhookLog
{
    [LoggerMessage(EventId = 7200, Level = LogLevel.Information, Message = "Webhook delivery started: {Webhooks} webhooks over {Lanes} (webhook, session) lanes")]
    public static partial void Started(ILogger logger, int webhooks, int lanes);

    [LoggerMessage(EventId = 7201, Level = LogLevel.Debug,
        Message = "Webhook {WebhookId} to {Host}: session {ActorId} seq {Seq} attempt {Attempt} failed ({Outcome}); next attempt in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string webhookId, string host, string actorId, long seq, int attempt, string outcome, long delayMs);

    [LoggerMessage(EventId = 7202, Level = LogLevel.Warning,
        Message = "Webhook {WebhookId} to {Host}: session {ActorId} seq {Seq} dead-lettered after {Attempts} attempts ({Reason}; last {Outcome})")]
    public static partial void DeadLettered(ILogger logger, string webhookId, string host, string actorId, long seq, int attempts, string reason, string outcome);

    [LoggerMessage(EventId = 7203, Level = LogLevel.Error, Message = "Webhook {WebhookId}: the lane of session {ActorId} stopped; the next rescan starts it again from its cursor")]
    public static partial void LaneFailed(ILogger logger, string webhookId, string actorId, Exception exception);

    [LoggerMessage(EventId = 7204, Level = LogLevel.Warning, Message = "Webhook rescan failed; lanes already running go on, the next rescan tries again")]
    public static partial void RescanFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7205, Level = LogLevel.Warning, Message = "Webhook replay of dead letter {DeadLetterId} failed before any attempt; it stays requested")]
    public static partial void ReplayFailed(ILogger logger, string deadLetterId, Exception exception);

    [LoggerMessage(EventId = 7206, Level = LogLevel.Information, Message = "Webhook {WebhookId}: dead letter {DeadLetterId} (session {ActorId} seq {Seq}) replayed and acknowledged")]
    public static partial void Replayed(ILogger logger, string webhookId, string deadLetterId, string actorId, long seq);

    [LoggerMessage(EventId = 7207, Level = LogLevel.Information, Message = "Webhook {WebhookId} created for tenant {TenantId} ({Scope}), posting to {Host} in the {Format} format")]
    public static partial void Created(ILogger logger, string webhookId, string tenantId, string scope, string host, string format);

    [LoggerMessage(EventId = 7208, Level = LogLevel.Information, Message = "Webhook {WebhookId} of tenant {TenantId} deleted")]
    public static partial void Deleted(ILogger logger, string webhookId, string tenantId);

    [LoggerMessage(EventId = 7209, Level = LogLevel.Debug, Message = "Webhook delivery fell behind the live events; it rescans and every lane resumes from the journal")]
    public static partial void HubCutOff(ILogger logger);

    [LoggerMessage(EventId = 7211, Level = LogLevel.Information,
        Message = "Webhook secrets under a previous node key: {Moved} stored again under key {KeyId}, {Failed} could not be opened (they stay as they are)")]
    public static partial void SecretsResealed(ILogger logger, int moved, string keyId, int failed);

    [LoggerMessage(EventId = 7212, Level = LogLevel.Warning, Message = "Webhook secrets could not be looked at for re-sealing; the next start tries again")]
    public static partial void ResealFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7213, Level = LogLevel.Information, Message = "Webhook {WebhookId} of tenant {TenantId} has a new signing secret ({Origin}); deliveries sign with it from their next attempt")]
    public static partial void SecretRotated(ILogger logger, string webhookId, string tenantId, string origin);

    [LoggerMessage(EventId = 7210, Level = LogLevel.Information, Message = "Webhook delivery is off on this node (SC:Edge:Webhooks:Enabled=false)")]
    public static partial void Disabled(ILogger logger);
}
