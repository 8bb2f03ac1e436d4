namespace SessionCluster.Sessions;

/// <summary>The session's contact check: which phone numbers have WhatsApp.</summary>
public static partial class SessionCommands
{
    /// <summary>
    /// Asks the server which of <paramref name="Phones"/> (international form, as <see cref="LinkByCode"/> takes them)
    /// have a WhatsApp account: one usync query (<c>mode="query" context="interactive"</c>, the <c>contact</c> and
    /// <c>lid</c> protocols, docs/PROTOCOL.md §8). 1 to <see cref="MaxPhones"/> numbers per call. Needs a connection.
    /// Replies <see cref="ContactsChecked"/> (one entry per number asked, in order; the LIDs learned are stored), or
    /// <see cref="ContactsRefused"/>, <see cref="NotFound"/>, <see cref="Unavailable"/>.
    /// </summary>
    public sealed record CheckContacts(SessionId SessionId, IReadOnlyList<string> Phones) : IWithSessionId
    {
        /// <summary>The most numbers one call may ask about (one usync query; clients ask in pages of this order).</summary>
        public const int MaxPhones = 50;

        public override string ToString() => $"CheckContacts {{ SessionId = {SessionId}, Phones = {Phones.Count} }}";
    }

    /// <summary>
    /// Asks the server for <paramref name="Jid"/>'s profile picture (a user or group jid): the full image, or the small
    /// preview. Needs a connection. Replies <see cref="ProfilePictureReady"/> (no URL when there is none, or the contact
    /// hides it from this account), or <see cref="ContactsRefused"/>, <see cref="NotFound"/>, <see cref="Unavailable"/>.
    /// </summary>
    public sealed record GetProfilePicture(SessionId SessionId, string Jid, bool Preview = false) : IWithSessionId;

    /// <param name="Url">Where the picture is (a signed CDN URL that expires), or null when none is visible.</param>
    /// <param name="Id">The picture's id (it changes with the picture), or null.</param>
    public sealed record ProfilePictureReady(SessionId SessionId, string? Url, string? Id) : Reply(SessionId);

    /// <summary>The answer for every number asked, in the order asked.</summary>
    public sealed record ContactsChecked(SessionId SessionId, IReadOnlyList<ContactCheck> Contacts) : Reply(SessionId)
    {
        public override string ToString() => $"ContactsChecked {{ SessionId = {SessionId}, Contacts = {Contacts.Count} }}";
    }

    /// <summary>The numbers were not checked, and why (nothing was asked, or the server gave no answer).</summary>
    public sealed record ContactsRefused(SessionId SessionId, ContactsRefusal Reason, string Detail) : Reply(SessionId);
}

/// <summary>
/// One number of a <see cref="SessionCommands.CheckContacts"/>: <paramref name="Phone"/> as the caller wrote it; when
/// <paramref name="OnWhatsApp"/>, its phone-number jid (<c>digits@s.whatsapp.net</c>) and its LID (<c>id@lid</c>, when
/// the server gave one); otherwise both null.
/// </summary>
public sealed record ContactCheck(string Phone, string? Jid, string? Lid, bool OnWhatsApp);

/// <summary>Why <see cref="SessionCommands.CheckContacts"/> was refused.</summary>
public enum ContactsRefusal
{
    /// <summary>No numbers, more than <see cref="SessionCommands.CheckContacts.MaxPhones"/>, or one not in international form (the detail names it).</summary>
    BadPhones,

    /// <summary>The session is not linked to a phone.</summary>
    NotLinked,

    /// <summary>The session was deleted or logged out.</summary>
    Ended,

    /// <summary>The session has no live connection (the check is not queued).</summary>
    NotConnected,

    /// <summary>The server did not answer the query (timeout, the connection ended, an error or an unreadable answer).</summary>
    Unanswered,
}
