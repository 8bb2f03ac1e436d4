namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// The body of <c>PUT …/webhooks/{wid}/secret</c>: the new signing secret, or none to have one generated. The same
/// rule as at creation (<see cref="WebhookRequest"/>), since a receiver must be able to hold either.
/// </summary>
public sealed record WebhookSecretRequest(string? Secret)
{
    public const int MinLength = 16;
    public const int MaxLength = 256;

    /// <summary>What is wrong with an operator's secret (a sentence for the 400's detail, never the secret), or null when it will do.</summary>
    public static string? Problem(string? secret) =>
        secret is not null && (secret.Length is < MinLength or > MaxLength || secret.Any(char.IsControl))
            ? $"secret must be {MinLength} to {MaxLength} characters without control characters (leave it out to have one generated)"
            : null;

    /// <summary>The secret to use (the given one, else a generated <c>whsec_…</c>), or the first thing wrong with it.</summary>
    public (string? Secret, string? Error) Check() => Problem(Secret) is { } error ? (null, error) : (Secret ?? WebhookSecrets.Generate(), null);
}
