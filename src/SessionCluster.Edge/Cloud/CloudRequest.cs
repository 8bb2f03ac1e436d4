using System.Text.Json;

namespace SessionCluster.Edge.Cloud;

/// <summary>
/// What a Cloud API client posts to <c>/messages</c>, read from Meta's documented JSON: a message to send
/// (<c>{"messaging_product":"whatsapp","to","type","text":{"body"}}</c>) or a read status for a received message
/// (<c>{"messaging_product":"whatsapp","status":"read","message_id"}</c>). Anything else is an <see cref="Invalid"/>
/// with the Cloud error to answer.
/// </summary>
internal abstract record CloudRequest
{
    /// <summary>The message types Meta's API knows; all but text are answered 131051 until the sessions send them.</summary>
    private static readonly HashSet<string> KnownTypes = new(StringComparer.Ordinal)
    {
        "text", "image", "document", "audio", "video", "sticker", "reaction", "location", "contacts", "interactive", "template",
    };

    public sealed record SendText(string To, string Body) : CloudRequest;

    public sealed record MarkRead(string MessageId) : CloudRequest;

    /// <param name="Kind">Which Cloud error: <see cref="Problem.Malformed"/> 100, <see cref="Problem.Missing"/> 131008, <see cref="Problem.Unsupported"/> 131051.</param>
    public sealed record Invalid(Problem Kind, string Details) : CloudRequest;

    public enum Problem
    {
        Malformed,
        Missing,
        Unsupported,
    }

    public static CloudRequest Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new Invalid(Problem.Malformed, "the body must be a JSON object");
        }

        if (String(root, "messaging_product") is not "whatsapp")
        {
            return new Invalid(Problem.Malformed, "messaging_product must be \"whatsapp\"");
        }

        if (root.TryGetProperty("status", out _))
        {
            return String(root, "status") is not "read" ? new Invalid(Problem.Malformed, "status must be \"read\" (the only status a business sends)")
                : String(root, "message_id") is not { Length: > 0 } id ? new Invalid(Problem.Missing, "message_id is required with status \"read\"")
                : root.TryGetProperty("typing_indicator", out _) ? new Invalid(Problem.Unsupported, "typing_indicator is not supported by this node yet")
                : new MarkRead(id);
        }

        if (String(root, "recipient_type") is { } recipientType && recipientType != "individual")
        {
            return new Invalid(Problem.Unsupported, $"recipient_type '{recipientType}' is not supported by this node yet (individual is)");
        }

        if (String(root, "to") is not { Length: > 0 } to)
        {
            return new Invalid(Problem.Missing, "to is required: the recipient's phone number in international form");
        }

        var type = root.TryGetProperty("type", out _) ? String(root, "type") : "text";
        if (type is null || !KnownTypes.Contains(type))
        {
            return new Invalid(Problem.Malformed, "type must be one of " + string.Join(", ", KnownTypes));
        }

        if (type != "text")
        {
            return new Invalid(Problem.Unsupported, $"type '{type}' is not supported by this node yet: it sends text and read statuses");
        }

        if (root.TryGetProperty("context", out _))
        {
            return new Invalid(Problem.Unsupported, "context (a reply to a message) is not supported by this node yet");
        }

        return root.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.Object && String(text, "body") is { } body
            ? new SendText(to, body)
            : new Invalid(Problem.Missing, "text.body is required for type text");
    }

    /// <summary>A member's string value; null when absent or not a string.</summary>
    private static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
