using System.Security.Cryptography;
using System.Text;
using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Sessions.Content;

/// <summary>A contact card to send: the name shown on the message and its vCard.</summary>
public sealed record ContactCard(string DisplayName, string VCard);

/// <summary>
/// Locations, contact cards and polls (docs/PROTOCOL.md §9 "Locations, contacts and polls"), built as Baileys'
/// generateWAMessageContent builds them so that WhatsApp's clients show them as such.
/// </summary>
public static class SharedContent
{
    /// <summary>The fewest and most options a poll has (WhatsApp's clients offer 2 to 12).</summary>
    public const int MinPollOptions = 2;

    /// <inheritdoc cref="MinPollOptions"/>
    public const int MaxPollOptions = 12;

    /// <summary>The size of a poll's messageSecret: the votes' encryption key is derived from it.</summary>
    public const int PollSecretLength = 32;

    /// <summary>A static location pin: <c>locationMessage{degreesLatitude, degreesLongitude, name?, address?}</c>.</summary>
    public static Message Location(double latitude, double longitude, string? name, string? address)
    {
        if (!double.IsFinite(latitude) || latitude is < -90 or > 90 || !double.IsFinite(longitude) || longitude is < -180 or > 180)
        {
            throw new ArgumentOutOfRangeException(nameof(latitude), "A location needs a latitude in [-90, 90] and a longitude in [-180, 180].");
        }

        var location = new LocationMessage { DegreesLatitude = latitude, DegreesLongitude = longitude };
        if (!string.IsNullOrEmpty(name))
        {
            location.Name = name;
        }

        if (!string.IsNullOrEmpty(address))
        {
            location.Address = address;
        }

        return new Message { LocationMessage = location };
    }

    /// <summary>One card as a <c>contactMessage</c>; several as a <c>contactsArrayMessage</c> named "N contacts".</summary>
    public static Message Contacts(IReadOnlyList<ContactCard> cards)
    {
        ArgumentNullException.ThrowIfNull(cards);
        if (cards.Count == 0)
        {
            throw new ArgumentException("At least one contact card is needed.", nameof(cards));
        }

        if (cards.Count == 1)
        {
            return new Message { ContactMessage = Card(cards[0]) };
        }

        var array = new ContactsArrayMessage { DisplayName = $"{cards.Count} contacts" };
        array.Contacts.AddRange(cards.Select(Card));
        return new Message { ContactsArrayMessage = array };
    }

    /// <summary>
    /// A vCard 3.0 for <paramref name="formattedName"/> with its phone numbers; each number carries <c>waid</c> (its
    /// digits), which WhatsApp's clients use to offer "Message" for the contact.
    /// </summary>
    public static string VCard(string formattedName, IReadOnlyList<string> phones)
    {
        ArgumentException.ThrowIfNullOrEmpty(formattedName);
        ArgumentNullException.ThrowIfNull(phones);
        var card = new StringBuilder("BEGIN:VCARD\nVERSION:3.0\n");
        var name = Escape(formattedName);
        card.Append("N:;").Append(name).Append(";;;\n");
        card.Append("FN:").Append(name).Append('\n');
        foreach (var phone in phones)
        {
            var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
            card.Append(digits.Length == 0 ? $"TEL:{Escape(phone)}\n" : $"TEL;type=CELL;waid={digits}:+{digits}\n");
        }

        return card.Append("END:VCARD").ToString();
    }

    /// <summary>
    /// A poll: <c>pollCreationMessageV3</c> when one option may be chosen, <c>pollCreationMessage</c> when several
    /// (as Baileys sends them), and <c>messageContextInfo.messageSecret</c> = <paramref name="secret"/>, from which
    /// the votes' key is derived: whoever decrypts the votes needs it (the send's message is kept in the journal).
    /// </summary>
    /// <param name="selectableCount">How many options one voter may choose: 1 to the number of options.</param>
    /// <param name="secret">32 random bytes (<see cref="NewPollSecret"/>).</param>
    public static Message Poll(string name, IReadOnlyList<string> options, int selectableCount, ReadOnlySpan<byte> secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Count is < MinPollOptions or > MaxPollOptions || options.Any(string.IsNullOrEmpty) || options.Distinct(StringComparer.Ordinal).Count() != options.Count)
        {
            throw new ArgumentException($"A poll has {MinPollOptions} to {MaxPollOptions} distinct, non-empty options.", nameof(options));
        }

        if (selectableCount < 1 || selectableCount > options.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(selectableCount), "A poll lets a voter choose 1 to all of its options.");
        }

        if (secret.Length != PollSecretLength)
        {
            throw new ArgumentException($"A poll's secret is {PollSecretLength} bytes.", nameof(secret));
        }

        var poll = new PollCreationMessage { Name = name, SelectableOptionsCount = (uint)selectableCount };
        poll.Options.AddRange(options.Select(o => new PollCreationMessage.Types.Option { OptionName = o }));
        var message = new Message { MessageContextInfo = new MessageContextInfo { MessageSecret = Google.Protobuf.ByteString.CopyFrom(secret) } };
        if (selectableCount == 1)
        {
            message.PollCreationMessageV3 = poll;
        }
        else
        {
            message.PollCreationMessage = poll;
        }

        return message;
    }

    /// <summary>A fresh poll secret from the system's CSPRNG.</summary>
    public static byte[] NewPollSecret() => RandomNumberGenerator.GetBytes(PollSecretLength);

    private static ContactMessage Card(ContactCard card)
    {
        ArgumentException.ThrowIfNullOrEmpty(card.DisplayName);
        ArgumentException.ThrowIfNullOrEmpty(card.VCard);
        return new ContactMessage { DisplayName = card.DisplayName, Vcard = card.VCard };
    }

    /// <summary>vCard 3.0 text escaping (RFC 2426 §4): backslash, comma, semicolon and line breaks.</summary>
    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal).Replace(";", "\\;", StringComparison.Ordinal)
            .Replace("\r\n", "\\n", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\n", StringComparison.Ordinal);
}
