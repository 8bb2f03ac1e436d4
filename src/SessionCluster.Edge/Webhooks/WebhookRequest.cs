namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// The body of <c>POST …/webhooks</c>, checked field by field into a <see cref="WebhookSpec"/>. Delays are in seconds.
/// Absent fields take their defaults: every event (<c>["*"]</c>), a generated secret, <see cref="RetryPolicy.Default"/>,
/// the event format.
/// </summary>
public sealed record WebhookRequest(
    string? Url, string[]? Events, string? Secret, WebhookRequest.RetryFields? Retry, int[]? NonRetryable, string? Format, string? VerifyToken)
{
    public const int MaxUrlLength = 2048;
    public const int MaxFilters = 32;

    public sealed record RetryFields(int? Attempts, double? InitialDelay, double? MaxDelay, double? Jitter);

    /// <summary>The checked webhook, or the first thing wrong with the request (a sentence for the 400's detail).</summary>
    public (WebhookSpec? Spec, string? Error) Check()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || url.Host.Length == 0)
        {
            return Fail("url must be an absolute http:// or https:// URL");
        }

        if (Url!.Length > MaxUrlLength || url.UserInfo.Length > 0 || url.Fragment.Length > 0)
        {
            return Fail($"url must be at most {MaxUrlLength} characters, without user:password@ and without a #fragment");
        }

        var events = Events ?? ["*"];
        if (events.Length is 0 or > MaxFilters || events.Any(e => e is null || !WebhookEventTypes.IsValidFilter(e)))
        {
            return Fail($"events must be 1 to {MaxFilters} of \"*\", an event type ({string.Join(", ", WebhookEventTypes.Known)}) or a family such as \"message.*\"");
        }

        if (WebhookSecretRequest.Problem(Secret) is { } secretError)
        {
            return Fail(secretError);
        }

        var (policy, policyError) = CheckPolicy();
        if (policy is null)
        {
            return Fail(policyError!);
        }

        WebhookFormat format;
        switch (Format)
        {
            case null or "event":
                format = WebhookFormat.Event;
                break;
            case "cloud":
                format = WebhookFormat.Cloud;
                break;
            default:
                return Fail("format must be \"event\" (default) or \"cloud\"");
        }

        if (VerifyToken is not null && (format != WebhookFormat.Cloud || VerifyToken.Length is < 1 or > 256 || VerifyToken.Any(char.IsControl)))
        {
            return Fail("verifyToken is for format \"cloud\" only, 1 to 256 characters without control characters");
        }

        return (new WebhookSpec(url, [.. events.Distinct(StringComparer.Ordinal)], Secret, format, policy, VerifyToken), null);
    }

    private (RetryPolicy? Policy, string? Error) CheckPolicy()
    {
        var defaults = RetryPolicy.Default;
        var attempts = Retry?.Attempts ?? defaults.Attempts;
        var initial = Retry?.InitialDelay ?? defaults.InitialDelay.TotalSeconds;
        var max = Retry?.MaxDelay ?? Math.Max(initial, defaults.MaxDelay.TotalSeconds);
        var jitter = Retry?.Jitter ?? defaults.Jitter;
        var limit = RetryPolicy.MaxDelayLimit.TotalSeconds;
        if (attempts is < 1 or > RetryPolicy.MaxAttempts)
        {
            return (null, $"retry.attempts must be from 1 to {RetryPolicy.MaxAttempts} (default {defaults.Attempts})");
        }

        if (!double.IsFinite(initial) || initial < RetryPolicy.MinDelay.TotalSeconds || initial > limit)
        {
            return (null, $"retry.initialDelay must be from {RetryPolicy.MinDelay.TotalSeconds} to {limit} seconds (default {defaults.InitialDelay.TotalSeconds})");
        }

        if (!double.IsFinite(max) || max < initial || max > limit)
        {
            return (null, $"retry.maxDelay must be from retry.initialDelay to {limit} seconds (default {defaults.MaxDelay.TotalSeconds})");
        }

        if (!double.IsFinite(jitter) || jitter is < 0 or > 1)
        {
            return (null, $"retry.jitter must be from 0 to 1, the share of each delay that is random (default {defaults.Jitter})");
        }

        var nonRetryable = NonRetryable ?? [.. defaults.NonRetryable];
        if (nonRetryable.Length > 50 || nonRetryable.Any(s => s is < 300 or > 599))
        {
            return (null, "nonRetryable must be at most 50 HTTP statuses from 300 to 599 (default [401, 403, 404, 410, 422])");
        }

        return (new RetryPolicy(attempts, TimeSpan.FromSeconds(initial), TimeSpan.FromSeconds(max), jitter, [.. nonRetryable.Distinct().Order()]), null);
    }

    private static (WebhookSpec?, string?) Fail(string error) => (null, error);
}

/// <summary>A checked create request.</summary>
public sealed record WebhookSpec(Uri Url, IReadOnlyList<string> Events, string? Secret, WebhookFormat Format, RetryPolicy Policy, string? VerifyToken);
