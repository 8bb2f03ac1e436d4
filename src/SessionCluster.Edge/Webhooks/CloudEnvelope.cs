using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SessionCluster.Edge.Events;

namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// The body of a <c>format: "cloud"</c> webhook: Meta's WhatsApp Cloud API webhook envelope
/// (<c>{"object":"whatsapp_business_account","entry":[{"id","changes":[{"field":"messages","value":{…}}]}]}</c>), so a
/// receiver written for the Cloud API reads our events unchanged. The session stands where Cloud has a business
/// account and a phone number id (<c>entry[].id</c> and <c>metadata.phone_number_id</c> are the session's name, as in
/// the Cloud facade's URLs); <c>display_phone_number</c> is the linked number. A received text, file (image, video,
/// audio, voice note, document, sticker), location, contact card or reaction becomes <c>value.messages[]</c> with
/// <c>value.contacts[]</c>, in the shapes of Meta's messages webhook reference
/// (developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/…: text, image,
/// audio, document, reaction, location, contacts); a file's <c>id</c> is the Cloud media id the facade serves
/// (<c>{session}~{messageId}</c>), and a reply carries <c>context {from, id}</c>. A status of a sent message (sent,
/// delivered, read, failed) becomes <c>value.statuses[]</c>. Everything else (other event types and kinds, messages sent
/// from the phone itself, the accepted and played statuses) has no Cloud shape and is not sent to cloud webhooks.
/// </summary>
public static class CloudEnvelope
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Whether events of this type can have a Cloud envelope (some single events still have none).</summary>
    public static bool Carries(string type) => type is "message.received" or "message.reaction" or "message.status";

    /// <summary>The envelope's UTF-8 JSON, or null when this event has no Cloud shape.</summary>
    /// <param name="displayPhoneNumber">The session's own number (digits), or null when it is not known.</param>
    public static byte[]? Build(EventView view, string? displayPhoneNumber)
    {
        Value? value = view.Payload switch
        {
            EventView.ReceivedPayload { FromMe: false } received when MessageOf(view, received) is { } message =>
                Inbound(view, received.Sender, received.SenderAlt, received.Chat, received.PushName, message, displayPhoneNumber),
            EventView.ReactionPayload { FromMe: false } reaction =>
                Inbound(view, reaction.Sender, reaction.SenderAlt, reaction.Chat, reaction.PushName, Reaction(reaction), displayPhoneNumber),
            EventView.MessageStatusPayload { Status: "sent" or "delivered" or "read" or "failed" } status => Status(view, status, displayPhoneNumber),
            _ => null,
        };
        return value is null
            ? null
            : JsonSerializer.SerializeToUtf8Bytes(new Envelope("whatsapp_business_account", [new Entry(view.Session, [new Change("messages", value)])]), Json);
    }

    private static Value Inbound(EventView view, string sender, string? senderAlt, string chat, string? pushName, Message message, string? display)
    {
        var from = From(sender, senderAlt);
        var group = chat.EndsWith("@g.us", StringComparison.Ordinal) ? chat : null;
        return new Value("whatsapp", new Metadata(display ?? "", view.Session),
            Contacts: [new Contact(new Profile(pushName ?? ""), from)],
            Messages: [message with { From = from, GroupId = group }],
            Statuses: null);
    }

    /// <summary>The Cloud message of a received one, or null for kinds Cloud has no shape for (polls, other).</summary>
    private static Message? MessageOf(EventView view, EventView.ReceivedPayload received)
    {
        var m = new Message("", null, received.Id, Seconds(received.At), received.Type);
        var media = received.Content as MessageContentView.MediaContent;
        var quoted = (received.Content as MessageContentView.TextContent)?.Quoted ?? media?.Quoted;
        Context? context = quoted is null ? null : new Context(quoted.Sender is { } author ? UserOf(author) : "", quoted.Id);
        return received.Content switch
        {
            MessageContentView.TextContent text => m with { Text = new Text(text.Text), Context = context },
            MessageContentView.MediaContent file => received.Type switch
            {
                "image" => m with { Image = File(view, received, file) with { Caption = file.Caption }, Context = context },
                "video" => m with { Video = File(view, received, file) with { Caption = file.Caption }, Context = context },
                "audio" => m with { Audio = File(view, received, file) with { Voice = false }, Context = context },
                // Cloud has no voice type: a voice note is audio with voice: true.
                "voice" => m with { Type = "audio", Audio = File(view, received, file) with { Voice = true }, Context = context },
                "document" => m with { Document = File(view, received, file) with { Caption = file.Caption, Filename = file.FileName }, Context = context },
                "sticker" => m with { Sticker = File(view, received, file), Context = context },
                _ => null,
            },
            MessageContentView.LocationContent place => m with { Location = new Location(place.Latitude, place.Longitude, place.Name, place.Address) },
            // Cloud has no live location: an update is its place now.
            MessageContentView.LiveLocationContent live => m with { Type = "location", Location = new Location(live.Latitude, live.Longitude, live.Caption, null) },
            MessageContentView.ContactsContent cards => m with { Contacts = [.. cards.Contacts.Select(CardOf)] },
            _ => null,
        };
    }

    private static Media File(EventView view, EventView.ReceivedPayload received, MessageContentView.MediaContent file) =>
        new(view.Session + "~" + received.Id, file.Mimetype, file.Sha256, null, null, null);

    private static Message Reaction(EventView.ReactionPayload reaction) =>
        new("", null, reaction.Id, Seconds(reaction.At), "reaction", Reaction: new ReactionItem(reaction.TargetId, reaction.Emoji));

    /// <summary>A vCard as Cloud's contact: the display name and each TEL line's number (its waid when the card names one).</summary>
    private static CloudContact CardOf(MessageContentView.ContactCard card)
    {
        var phones = new List<PhoneItem>();
        foreach (var line in card.Vcard.Split('\n', StringSplitOptions.TrimEntries))
        {
            var colon = line.LastIndexOf(':');
            if (!line.StartsWith("TEL", StringComparison.OrdinalIgnoreCase) || colon < 0)
            {
                continue;
            }

            var waid = line.Split(';').Select(p => p.Split(':')[0]).FirstOrDefault(p => p.StartsWith("waid=", StringComparison.OrdinalIgnoreCase))?[5..];
            phones.Add(new PhoneItem(line[(colon + 1)..], waid, "CELL"));
        }

        return new CloudContact(new ContactName(card.DisplayName), phones);
    }

    private static string From(string sender, string? senderAlt) =>
        UserOf(senderAlt is { } alt && alt.EndsWith("@s.whatsapp.net", StringComparison.Ordinal) ? alt : sender);

    private static Value Status(EventView view, EventView.MessageStatusPayload status, string? display) =>
        new("whatsapp", new Metadata(display ?? "", view.Session), Contacts: null, Messages: null,
            Statuses: [new StatusItem(status.Id, status.Status, Seconds(view.At), UserOf(status.Chat),
                status.Status == "failed" ? [new Error(131000, status.Reason ?? "failed")] : null)]);

    /// <summary>The user part of a JID without its device: <c>15550002002:3@s.whatsapp.net</c> is <c>15550002002</c>.</summary>
    public static string UserOf(string jid)
    {
        var at = jid.IndexOf('@', StringComparison.Ordinal);
        var user = at < 0 ? jid : jid[..at];
        var colon = user.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? user : user[..colon];
    }

    private static string Seconds(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private sealed record Envelope(string Object, IReadOnlyList<Entry> Entry);

    private sealed record Entry(string Id, IReadOnlyList<Change> Changes);

    private sealed record Change(string Field, Value Value);

    private sealed record Value(string MessagingProduct, Metadata Metadata, IReadOnlyList<Contact>? Contacts, IReadOnlyList<Message>? Messages, IReadOnlyList<StatusItem>? Statuses);

    private sealed record Metadata(string DisplayPhoneNumber, string PhoneNumberId);

    private sealed record Contact(Profile Profile, string WaId);

    private sealed record Profile(string Name);

    private sealed record Message(
        string From, string? GroupId, string Id, string Timestamp, string Type, Context? Context = null, Text? Text = null,
        Media? Image = null, Media? Video = null, Media? Audio = null, Media? Document = null, Media? Sticker = null,
        Location? Location = null, IReadOnlyList<CloudContact>? Contacts = null, ReactionItem? Reaction = null);

    private sealed record Context(string From, string Id);

    private sealed record Media(string Id, string MimeType, string Sha256, string? Caption, string? Filename, bool? Voice);

    private sealed record Location(double Latitude, double Longitude, string? Name, string? Address);

    private sealed record CloudContact(ContactName Name, IReadOnlyList<PhoneItem> Phones);

    private sealed record ContactName(string FormattedName);

    private sealed record PhoneItem(string Phone, string? WaId, string Type);

    private sealed record ReactionItem(string MessageId, string Emoji);

    private sealed record Text(string Body);

    private sealed record StatusItem(string Id, string Status, string Timestamp, string RecipientId, IReadOnlyList<Error>? Errors);

    private sealed record Error(int Code, string Title);
}
