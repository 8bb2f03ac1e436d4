using System.Text.Json;
using SessionCluster.Sessions.Content;

namespace SessionCluster.Edge.Messages;

/// <summary>The send body's locations, contact cards, polls, replies and mentions, read and checked before anything is sent.</summary>
internal static partial class MessageRoutes
{
    /// <summary>A location pin: degrees, with an optional place name and address.</summary>
    public sealed record LocationBody(double? Latitude = null, double? Longitude = null, string? Name = null, string? Address = null);

    /// <summary>A contact card: the name shown and its vCard (<c>contact</c> is one of these or a list of them).</summary>
    public sealed record ContactBody(string? DisplayName = null, string? Vcard = null);

    /// <summary>A poll: its question, 2 to 12 distinct options, and how many one voter may choose (default 1).</summary>
    public sealed record PollBody(string? Name = null, IReadOnlyList<string>? Options = null, int? SelectableCount = null);

    /// <summary>Longest place name or address, poll question and contact name the node sends (its own bounds, not WhatsApp's).</summary>
    internal const int MaxLabelLength = 1024;

    /// <summary>Longest poll option the node sends.</summary>
    internal const int MaxPollOptionLength = 256;

    /// <summary>Longest vCard, and most cards in one message.</summary>
    internal const int MaxVCardLength = 16_384;

    internal const int MaxContacts = 20;

    /// <summary>Most mentions in one text.</summary>
    internal const int MaxMentions = 256;

    /// <summary>Longest message id a reply or an action names (WhatsApp's are 16 to 32 characters).</summary>
    internal const int MaxMessageIdLength = 128;

    private static readonly JsonSerializerOptions BodyOptions = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    private static (ContentRequest? Request, string? Invalid) Location(LocationBody? location)
    {
        if (location is not { Latitude: { } latitude, Longitude: { } longitude })
        {
            return (null, "type location needs location with latitude and longitude");
        }

        if (!double.IsFinite(latitude) || latitude is < -90 or > 90 || !double.IsFinite(longitude) || longitude is < -180 or > 180)
        {
            return (null, "location.latitude must be -90 to 90 and location.longitude -180 to 180 (degrees)");
        }

        if (location.Name is { Length: > MaxLabelLength } || location.Address is { Length: > MaxLabelLength })
        {
            return (null, $"location.name and location.address must be at most {MaxLabelLength} characters");
        }

        return (new ContentRequest.Location(latitude, longitude, NullIfEmpty(location.Name), NullIfEmpty(location.Address)), null);
    }

    private static (ContentRequest? Request, string? Invalid) Contacts(JsonElement? contact)
    {
        List<ContactBody?> bodies;
        try
        {
            bodies = contact switch
            {
                { ValueKind: JsonValueKind.Object } one => [one.Deserialize<ContactBody>(BodyOptions)],
                { ValueKind: JsonValueKind.Array } many => many.Deserialize<List<ContactBody?>>(BodyOptions) ?? [],
                _ => [],
            };
        }
        catch (JsonException e)
        {
            return (null, $"contact must be {{displayName, vcard}} or a list of them: {e.Message}");
        }

        if (bodies.Count is 0 or > MaxContacts)
        {
            return (null, $"type contact needs contact: {{displayName, vcard}} or a list of 1 to {MaxContacts} of them");
        }

        List<ContactCard> cards = [];
        foreach (var body in bodies)
        {
            if (body is not { DisplayName: { Length: > 0 and <= MaxLabelLength } name, Vcard: { Length: > 0 and <= MaxVCardLength } vcard })
            {
                return (null, $"each contact needs displayName (1 to {MaxLabelLength} characters) and vcard (1 to {MaxVCardLength})");
            }

            if (!vcard.TrimStart().StartsWith("BEGIN:VCARD", StringComparison.OrdinalIgnoreCase))
            {
                return (null, "contact.vcard must be a vCard (BEGIN:VCARD … END:VCARD)");
            }

            cards.Add(new ContactCard(name, vcard));
        }

        return (new ContentRequest.Contacts(cards), null);
    }

    private static (ContentRequest? Request, string? Invalid) Poll(PollBody? poll)
    {
        if (poll is not { Name: { Length: > 0 } name, Options: { } options } || name.Length > MaxLabelLength)
        {
            return (null, $"type poll needs poll with name (1 to {MaxLabelLength} characters) and options");
        }

        if (options.Count is < SharedContent.MinPollOptions or > SharedContent.MaxPollOptions
            || options.Any(o => o is not { Length: > 0 and <= MaxPollOptionLength })
            || options.Distinct(StringComparer.Ordinal).Count() != options.Count)
        {
            return (null, $"poll.options must be {SharedContent.MinPollOptions} to {SharedContent.MaxPollOptions} distinct options of 1 to {MaxPollOptionLength} characters");
        }

        var selectable = poll.SelectableCount ?? 1;
        return selectable < 1 || selectable > options.Count
            ? (null, "poll.selectableCount must be 1 to the number of options")
            : (new ContentRequest.Poll(name, [.. options], selectable), null);
    }

    /// <summary>
    /// The reply and mentions on the content: a reaction takes neither; a mention is a user (a phone number or a user
    /// jid) whose number the text or caption has after an <c>@</c>, which is where WhatsApp's clients show it.
    /// </summary>
    private static (ContentRequest? Request, string? Invalid) WithContext(ContentRequest request, SendMessageRequest body)
    {
        if (body.ReplyTo is null && body.Mentions is null or { Count: 0 })
        {
            return (request, null);
        }

        if (request is ContentRequest.Reaction)
        {
            return (null, "a reaction takes no replyTo or mentions");
        }

        if (body.ReplyTo is { } replyTo && (replyTo.Length is 0 or > MaxMessageIdLength || !replyTo.All(c => c is > ' ' and <= '~')))
        {
            return (null, $"replyTo must be a message id: 1 to {MaxMessageIdLength} printable ASCII characters");
        }

        List<string> mentions = [];
        if (body.Mentions is { Count: > 0 } named)
        {
            var text = request switch
            {
                ContentRequest.Text t => t.Body,
                ContentRequest.Media m => m.Caption,
                _ => null,
            };
            if (text is null)
            {
                return (null, "mentions need a text or a caption that names them");
            }

            if (named.Count > MaxMentions)
            {
                return (null, $"at most {MaxMentions} mentions");
            }

            foreach (var mention in named)
            {
                if (Recipient(mention) is not { } jid)
                {
                    return (null, "each mention must be a phone number in international form or a user jid");
                }

                var user = jid[..jid.IndexOf('@', StringComparison.Ordinal)];
                if (!text.Contains("@" + user, StringComparison.Ordinal))
                {
                    return (null, $"the text must name each mention as @ and its number: @{user} is missing");
                }

                if (!mentions.Contains(jid))
                {
                    mentions.Add(jid);
                }
            }
        }

        return (request with { ReplyTo = body.ReplyTo, Mentions = mentions }, null);
    }
}
