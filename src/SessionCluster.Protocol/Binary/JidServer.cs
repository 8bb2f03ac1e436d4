namespace SessionCluster.Protocol.Binary;

/// <summary>The JID servers WhatsApp uses (docs/PROTOCOL.md §5). <see cref="Jid.Parse"/> accepts only these.</summary>
public static class JidServer
{
    /// <summary>Phone-number users (PN) and, with an empty user, the server itself.</summary>
    public const string WhatsApp = "s.whatsapp.net";

    /// <summary>Groups.</summary>
    public const string Group = "g.us";

    /// <summary>Broadcast lists and <c>status@broadcast</c>.</summary>
    public const string Broadcast = "broadcast";

    /// <summary>Hidden user IDs (LID).</summary>
    public const string Lid = "lid";

    /// <summary>Channels.</summary>
    public const string Newsletter = "newsletter";

    /// <summary>Legacy user server; Baileys normalises it to <see cref="WhatsApp"/>.</summary>
    public const string LegacyUser = "c.us";

    /// <summary>Calls.</summary>
    public const string Call = "call";

    /// <summary>Hosted (business API) phone-number users.</summary>
    public const string Hosted = "hosted";

    /// <summary>Hosted (business API) LID users.</summary>
    public const string HostedLid = "hosted.lid";

    /// <summary>Messenger users; written on the wire as FB_JID when a device is given.</summary>
    public const string Messenger = "msgr";

    /// <summary>Interoperability users, <c>integrator-user:device@interop</c>; written as INTEROP_JID.</summary>
    public const string Interop = "interop";

    /// <summary>Bots (Meta AI).</summary>
    public const string Bot = "bot";

    /// <summary>
    /// Returns the interned constant equal to <paramref name="server"/>, so parsing never allocates a server string.
    /// </summary>
    internal static string? Canonical(ReadOnlySpan<char> server) => server switch
    {
        WhatsApp => WhatsApp,
        Group => Group,
        Broadcast => Broadcast,
        Lid => Lid,
        Newsletter => Newsletter,
        LegacyUser => LegacyUser,
        Call => Call,
        Hosted => Hosted,
        HostedLid => HostedLid,
        Messenger => Messenger,
        Interop => Interop,
        Bot => Bot,
        _ => null,
    };
}
