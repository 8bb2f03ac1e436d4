using System.Text.Json.Serialization;

namespace SessionCluster.Edge.Webhooks;

/// <summary>A webhook as the API shows it: never its secret, except <see cref="Secret"/> once in the create answer.</summary>
public sealed record WebhookView(
    string Id, string? Session, string Url, IReadOnlyList<string> Events, string Format, WebhookView.RetryView Retry, IReadOnlyList<int> NonRetryable,
    DateTimeOffset CreatedAt, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret)
{
    /// <summary>Delays in seconds, as the create request takes them.</summary>
    public sealed record RetryView(int Attempts, double InitialDelay, double MaxDelay, double Jitter);

    public static WebhookView From(Webhook webhook, string? session, string? secret = null) => new(
        webhook.Id, session, webhook.Url.AbsoluteUri, webhook.Events, webhook.Format == WebhookFormat.Cloud ? "cloud" : "event",
        new RetryView(webhook.Policy.Attempts, webhook.Policy.InitialDelay.TotalSeconds, webhook.Policy.MaxDelay.TotalSeconds, webhook.Policy.Jitter),
        webhook.Policy.NonRetryable, webhook.CreatedAt, secret);
}

/// <summary>The answer of <c>PUT …/webhooks/{wid}/secret</c>: the only time the new secret is shown.</summary>
public sealed record WebhookSecretView(string Id, string Secret);

public sealed record WebhookList(IReadOnlyList<WebhookView> Webhooks);

/// <summary>A dead letter as the API shows it; <see cref="Session"/> is the tenant's name for the session.</summary>
public sealed record DeadLetterView(
    string Id, string? Session, long Seq, Guid EventId, string EventType, int? LastStatus, string? LastError, int Attempts, DateTimeOffset DeadAt, bool ReplayRequested)
{
    public static DeadLetterView From(DeadLetter letter, string? session) => new(
        letter.Id, session, letter.Seq, letter.EventId, letter.EventType, letter.LastStatus, letter.LastError, letter.Attempts, letter.DeadAt, letter.ReplayRequested is not null);
}

public sealed record DeadLetterList(IReadOnlyList<DeadLetterView> DeadLetters);

public sealed record ReplayAccepted(int Replaying);

/// <summary>Where a webhook's delivery stands per session: every event up to <see cref="AckedSeq"/> is acknowledged, dead-lettered or filtered out.</summary>
public sealed record CursorView(string? Session, long AckedSeq, DateTimeOffset UpdatedAt);

public sealed record CursorList(IReadOnlyList<CursorView> Cursors);
