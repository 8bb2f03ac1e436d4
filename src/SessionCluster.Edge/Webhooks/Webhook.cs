namespace SessionCluster.Edge.Webhooks;

/// <summary>What a webhook's POST body is: the API's event, or Meta's WhatsApp Cloud API envelope.</summary>
public enum WebhookFormat
{
    Event,
    Cloud,
}

/// <summary>
/// A webhook as stored: its tenant, its scope (<see cref="SessionActor"/> null for every session of the tenant), where
/// and what it posts, its secret sealed (<see cref="WebhookSecrets"/>), and its retry policy. Events written before
/// <see cref="CreatedAt"/> are not delivered to it.
/// </summary>
public sealed record Webhook(
    string Id,
    string TenantId,
    string? SessionActor,
    Uri Url,
    IReadOnlyList<string> Events,
    string SealedSecret,
    WebhookFormat Format,
    RetryPolicy Policy,
    DateTimeOffset CreatedAt)
{
    public bool Covers(Sessions.SessionEntry session) =>
        session.TenantId == TenantId && (SessionActor is null || SessionActor == session.ActorId.Value);

    /// <summary>Whether the event's type passes the filters (and, for the cloud format, has a Cloud envelope).</summary>
    public bool Wants(string type) => WebhookEventTypes.Matches(Events, type) && (Format == WebhookFormat.Event || CloudEnvelope.Carries(type));
}

/// <summary>An event that was not delivered: the receiver refused it or every attempt failed. Replay sends it again.</summary>
public sealed record DeadLetter(
    string Id, string WebhookId, string SessionActor, long Seq, Guid EventId, string EventType, int? LastStatus, string? LastError, int Attempts,
    DateTimeOffset DeadAt, DateTimeOffset? ReplayRequested);
