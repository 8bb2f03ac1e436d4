using System.Text.Json;
using SessionCluster.Edge.Messages;
using SessionCluster.Protocol.Media;
using SessionCluster.Sessions.Content;

namespace SessionCluster.Edge.Cloud;

/// <summary>
/// What a Cloud API client posts to <c>/messages</c>, read from Meta's documented JSON: a message to send
/// (<c>{"messaging_product":"whatsapp","to","type",…}</c> with <c>text{body}</c>, <c>image|video|document{link,caption}</c>,
/// <c>document{filename}</c>, <c>audio|sticker{link}</c>, <c>reaction{message_id,emoji}</c>,
/// <c>location{latitude,longitude,name,address}</c> or <c>contacts[{name{formatted_name},phones[{phone,wa_id}]}]</c>,
/// any but a reaction a reply with <c>context{message_id}</c>) or a read status for a
/// received message (<c>{"messaging_product":"whatsapp","status":"read","message_id"}</c>). Anything else is an
/// <see cref="Invalid"/> with the Cloud error to answer.
/// </summary>
internal abstract record CloudRequest
{
    /// <summary>The message types Meta's API knows; interactive and template are answered 131051 until the sessions send them.</summary>
    private static readonly HashSet<string> KnownTypes = new(StringComparer.Ordinal)
    {
        "text", "image", "document", "audio", "video", "sticker", "reaction", "location", "contacts", "interactive", "template",
    };

    /// <summary>A message to <paramref name="To"/> (as the client wrote it).</summary>
    public sealed record Send(string To, ContentRequest Content) : CloudRequest;

    /// <summary>The Cloud media types and the kind each is sent as.</summary>
    private static readonly Dictionary<string, MediaKind> MediaTypes = new(StringComparer.Ordinal)
    {
        ["image"] = MediaKind.Image,
        ["video"] = MediaKind.Video,
        ["audio"] = MediaKind.Audio,
        ["document"] = MediaKind.Document,
        ["sticker"] = MediaKind.Sticker,
    };

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

        string? replyTo = null;
        if (root.TryGetProperty("context", out var context))
        {
            if (context.ValueKind != JsonValueKind.Object || String(context, "message_id") is not { Length: > 0 } quoted)
            {
                return new Invalid(Problem.Missing, "context.message_id is required with context (a reply)");
            }

            if (type == "reaction")
            {
                return new Invalid(Problem.Malformed, "a reaction is not a reply: context does not go with type reaction");
            }

            replyTo = quoted;
        }

        if (type is not ("text" or "reaction" or "location" or "contacts") && !MediaTypes.ContainsKey(type))
        {
            return new Invalid(Problem.Unsupported, $"type '{type}' is not supported by this node yet: it sends text, media by link, reactions, locations, contacts and read statuses");
        }

        // Contacts are a list at the top level; every other type is an object named by the type.
        var parsed = type == "contacts" ? Contacts(to, root)
            : root.TryGetProperty(type, out var content) && content.ValueKind == JsonValueKind.Object ? Typed(to, type, content)
            : new Invalid(Problem.Missing, $"{type} is required for type {type}: an object");
        return replyTo is not null && parsed is Send send ? send with { Content = send.Content with { ReplyTo = replyTo } } : parsed;
    }

    private static CloudRequest Typed(string to, string type, JsonElement content)
    {

        if (type == "text")
        {
            return String(content, "body") is { } body ? new Send(to, new ContentRequest.Text(body)) : new Invalid(Problem.Missing, "text.body is required for type text");
        }

        if (type == "reaction")
        {
            return String(content, "message_id") is not { Length: > 0 } messageId ? new Invalid(Problem.Missing, "reaction.message_id is required")
                : String(content, "emoji") is not { } emoji ? new Invalid(Problem.Missing, "reaction.emoji is required (an empty string removes the reaction)")
                : new Send(to, new ContentRequest.Reaction(messageId, emoji));
        }

        if (type == "location")
        {
            return Number(content, "latitude") is not { } latitude || Number(content, "longitude") is not { } longitude
                ? new Invalid(Problem.Missing, "location.latitude and location.longitude are required")
                : latitude is < -90 or > 90 || longitude is < -180 or > 180 ? new Invalid(Problem.Malformed, "location.latitude must be -90 to 90 and location.longitude -180 to 180")
                : new Send(to, new ContentRequest.Location(latitude, longitude, NullIfEmpty(String(content, "name")), NullIfEmpty(String(content, "address"))));
        }

        return Media(to, type, MediaTypes[type], content);
    }

    /// <summary>
    /// Meta's contacts (<c>[{name{formatted_name,…}, phones[{phone, wa_id, type}], …}]</c>) as contact cards: each a
    /// vCard with its formatted name and phones (the <c>wa_id</c>, else the phone's digits, as WhatsApp's <c>waid</c>);
    /// the other members (emails, addresses, org, urls) are not carried.
    /// </summary>
    private static CloudRequest Contacts(string to, JsonElement root)
    {
        if (!root.TryGetProperty("contacts", out var contacts) || contacts.ValueKind != JsonValueKind.Array || contacts.GetArrayLength() == 0)
        {
            return new Invalid(Problem.Missing, "contacts is required for type contacts: a non-empty array");
        }

        List<ContactCard> cards = [];
        foreach (var contact in contacts.EnumerateArray())
        {
            if (contact.ValueKind != JsonValueKind.Object || !contact.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.Object
                || String(name, "formatted_name") is not { Length: > 0 } formattedName)
            {
                return new Invalid(Problem.Missing, "each contact needs name.formatted_name");
            }

            List<string> phones = [];
            if (contact.TryGetProperty("phones", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var phone in list.EnumerateArray())
                {
                    if (phone.ValueKind == JsonValueKind.Object && (String(phone, "wa_id") ?? String(phone, "phone")) is { Length: > 0 } number)
                    {
                        phones.Add(number);
                    }
                }
            }

            cards.Add(new ContactCard(formattedName, SharedContent.VCard(formattedName, phones)));
        }

        return new Send(to, new ContentRequest.Contacts(cards));
    }

    /// <summary>A member's number, given as a JSON number or a numeric string (Meta documents both); null when neither.</summary>
    private static double? Number(JsonElement o, string name) =>
        !o.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number ? value.GetDouble()
        : value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed) ? parsed
        : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static CloudRequest Media(string to, string type, MediaKind kind, JsonElement content)
    {
        if (content.TryGetProperty("id", out _))
        {
            return new Invalid(Problem.Unsupported, $"{type}.id (a media id from the /media upload endpoint) is not supported by this node: send {type}.link");
        }

        if (String(content, "link") is not { Length: > 0 } link)
        {
            return new Invalid(Problem.Missing, $"{type}.link is required");
        }

        if (!Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return new Invalid(Problem.Malformed, $"{type}.link must be an absolute http or https URL");
        }

        var caption = kind is MediaKind.Image or MediaKind.Video or MediaKind.Document ? String(content, "caption") : null;
        var fileName = kind == MediaKind.Document ? String(content, "filename") : null;
        return new Send(to, new ContentRequest.Media(kind, uri, null, null, string.IsNullOrEmpty(caption) ? null : caption, string.IsNullOrEmpty(fileName) ? null : fileName));
    }

    /// <summary>A member's string value; null when absent or not a string.</summary>
    private static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
