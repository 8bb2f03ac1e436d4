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
/// the Cloud facade's URLs); <c>display_phone_number</c> is the linked number. A received text becomes
/// <c>value.messages[]</c> with <c>value.contacts[]</c>; a status of a sent message (sent, delivered, read, failed)
/// becomes <c>value.statuses[]</c>. Everything else (other event types, messages sent from the phone itself,
/// non-text messages, the accepted and played statuses) has no Cloud shape and is not sent to cloud webhooks.
/// </summary>
public static class CloudEnvelope
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Whether events of this type can have a Cloud envelope (some single events still have none).</summary>
    public static bool Carries(string type) => type is "message.received" or "message.status";

    /// <summary>The envelope's UTF-8 JSON, or null when this event has no Cloud shape.</summary>
    /// <param name="displayPhoneNumber">The session's own number (digits), or null when it is not known.</param>
    public static byte[]? Build(EventView view, string? displayPhoneNumber)
    {
        Value? value = view.Payload switch
        {
            EventView.ReceivedPayload { FromMe: false, Text: { } text } received => Received(view, received, text, displayPhoneNumber),
            EventView.MessageStatusPayload { Status: "sent" or "delivered" or "read" or "failed" } status => Status(view, status, displayPhoneNumber),
            _ => null,
        };
        return value is null
            ? null
            : JsonSerializer.SerializeToUtf8Bytes(new Envelope("whatsapp_business_account", [new Entry(view.Session, [new Change("messages", value)])]), Json);
    }

    private static Value Received(EventView view, EventView.ReceivedPayload received, string text, string? display)
    {
        var from = UserOf(received.SenderAlt is { } alt && alt.EndsWith("@s.whatsapp.net", StringComparison.Ordinal) ? alt : received.Sender);
        var group = received.Chat.EndsWith("@g.us", StringComparison.Ordinal) ? received.Chat : null;
        return new Value("whatsapp", new Metadata(display ?? "", view.Session),
            Contacts: [new Contact(new Profile(received.PushName ?? ""), from)],
            Messages: [new Message(from, group, received.Id, Seconds(received.At), "text", new Text(text))],
            Statuses: null);
    }

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

    private sealed record Message(string From, string? GroupId, string Id, string Timestamp, string Type, Text Text);

    private sealed record Text(string Body);

    private sealed record StatusItem(string Id, string Status, string Timestamp, string RecipientId, IReadOnlyList<Error>? Errors);

    private sealed record Error(int Code, string Title);
}
