using System.Text;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Sessions.Flows;

/// <summary>What the server said about one number of a contact check: its digits, and when it is on WhatsApp its jids.</summary>
public sealed record ContactAnswer(string Digits, bool OnWhatsApp, Jid? Jid, Jid? Lid);

/// <summary>
/// The contact check on the wire (docs/PROTOCOL.md §8; whatsmeow user.go IsOnWhatsApp, Baileys onWhatsApp): a usync
/// query, <c>mode="query" context="interactive"</c>, asking the <c>contact</c> and <c>lid</c> protocols for users
/// named by <c>&lt;contact&gt;+DIGITS&lt;/contact&gt;</c>. The answer's users carry <c>&lt;contact type="in|out"&gt;</c>
/// (echoing the number asked), their jid and <c>&lt;lid val&gt;</c>. Pure builder and reader.
/// </summary>
public static class Contacts
{
    private const string Server = "s.whatsapp.net";

    public static Node Query(string id, IEnumerable<string> digits) =>
        new("iq", [("id", id), ("xmlns", "usync"), ("type", "get"), ("to", Server)],
        [
            new Node("usync", [("sid", id), ("mode", "query"), ("last", "true"), ("index", "0"), ("context", "interactive")],
            [
                new Node("query", null, [new Node("contact"), new Node("lid")]),
                new Node("list", null, digits.Select(d => new Node("user", null, [new Node("contact", null, "+" + d)])).ToList()),
            ]),
        ]);

    /// <summary>
    /// Each user of the answer: the number it answers (the contact's echoed content, else its jid's user), whether it is
    /// <c>in</c>, its phone-number jid (the user's <c>jid</c>, or <c>pn_jid</c> when the jid is a LID) and its LID.
    /// </summary>
    /// <exception cref="FormatException">No <c>&lt;usync&gt;&lt;list&gt;</c>.</exception>
    public static IReadOnlyList<ContactAnswer> Read(Node result)
    {
        var list = result.GetOptionalChild("usync")?.GetOptionalChild("list") ?? throw new FormatException("The usync result has no <usync><list>.");
        var answers = new List<ContactAnswer>();
        foreach (var user in list.GetChildren("user"))
        {
            var jid = user.GetOptionalJid("jid");
            var phoneJid = jid is { IsLid: true } ? user.GetOptionalJid("pn_jid") : jid;
            var lid = jid is { IsLid: true } ? jid : user.GetOptionalChild("lid")?.GetOptionalJid("val");
            var contact = user.GetOptionalChild("contact");
            var digits = Digits(contact) ?? (phoneJid is { IsPhoneNumber: true } pn ? pn.User : null);
            if (digits is null)
            {
                continue;
            }

            var onWhatsApp = contact?.GetOptionalString("type") == "in" && phoneJid is { IsPhoneNumber: true };
            answers.Add(new ContactAnswer(
                digits,
                onWhatsApp,
                onWhatsApp ? phoneJid!.Value.ToNonAd() : null,
                onWhatsApp && lid is { IsLid: true } found ? found.ToNonAd() : null));
        }

        return answers;
    }

    private static string? Digits(Node? contact)
    {
        var text = contact?.ContentKind switch
        {
            NodeContentKind.Text => contact.Text,
            NodeContentKind.Bytes => Encoding.UTF8.GetString(contact.Bytes.Span),
            _ => null,
        };
        var digits = text is null ? "" : new string([.. text.Where(char.IsAsciiDigit)]);
        return digits.Length == 0 ? null : digits;
    }

    /// <summary>
    /// <c>&lt;iq xmlns="w:profile:picture" type="get" to="s.whatsapp.net" target=JID&gt;&lt;picture type="image|preview" query="url"/&gt;</c>
    /// (whatsmeow GetProfilePictureInfo, Baileys profilePictureUrl).
    /// </summary>
    public static Node PictureQuery(string id, Jid target, bool preview) =>
        new("iq", [("id", id), ("xmlns", "w:profile:picture"), ("type", "get"), ("to", Server), ("target", target.ToString())],
            [new Node("picture", [("type", preview ? "preview" : "image"), ("query", "url")])]);

    /// <summary>The <c>&lt;picture url id&gt;</c> of the answer.</summary>
    /// <exception cref="FormatException">No picture with a url.</exception>
    public static (string Url, string? Id) ReadPicture(Node result) =>
        result.GetOptionalChild("picture") is { } picture && picture.GetOptionalString("url") is { Length: > 0 } url
            ? (url, picture.GetOptionalString("id"))
            : throw new FormatException("The w:profile:picture result has no <picture url>.");
}
