namespace SessionCluster.Edge.Chats;

/// <summary>
/// How the store names chats and contacts. The server names a LID-migrated contact by its LID and gives the phone
/// number as the "alt" form; the store keys a one-to-one chat by the phone-number jid whenever it is known, so that a
/// chat does not split in two when the server switches forms (sends go to phone-number jids).
/// </summary>
internal static class ChatJids
{
    public const string In = "in";
    public const string Out = "out";

    /// <summary>How the store names this session's own account where a user jid goes (a reaction of ours).</summary>
    public const string Own = "";

    private const string PhoneServer = "@s.whatsapp.net";
    private const string LidServer = "@lid";

    /// <summary>The chat's key: its phone-number form when the server gave one, else as the server named it.</summary>
    public static string Of(string chat, string? alt) =>
        chat.EndsWith(LidServer, StringComparison.Ordinal) && alt is not null && alt.EndsWith(PhoneServer, StringComparison.Ordinal) ? alt : chat;

    /// <summary>The phone-number and LID forms among a user's two names (either may be unknown).</summary>
    public static (string? Pn, string? Lid) Forms(string jid, string? alt)
    {
        string? pn = null, lid = null;
        foreach (var name in alt is null ? [jid] : new[] { jid, alt })
        {
            if (name.EndsWith(PhoneServer, StringComparison.Ordinal))
            {
                pn ??= name;
            }
            else if (name.EndsWith(LidServer, StringComparison.Ordinal))
            {
                lid ??= name;
            }
        }

        return (pn, lid);
    }

    /// <summary>A user's key in the store: the phone-number form when known, else the LID (or the jid as given).</summary>
    public static string Key(string jid, string? alt)
    {
        var (pn, lid) = Forms(jid, alt);
        return pn ?? lid ?? jid;
    }

    /// <summary>A jid as a route accepts it: user@server, at most 128 characters of letters, digits and <c>.-_:@</c>.</summary>
    public static bool IsValid(string jid) =>
        jid.Length is > 2 and <= 128 && jid.IndexOf('@') is > 0 and var at && at < jid.Length - 1 && jid.LastIndexOf('@') == at
        && jid.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':' or '@');
}
