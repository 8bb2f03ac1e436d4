namespace SessionCluster.Sessions;

/// <summary>The session's app-state writes: chat settings other devices of the account see (docs/PROTOCOL.md §14).</summary>
public static partial class SessionCommands
{
    /// <summary>
    /// Archives or unarchives, pins or unpins, mutes (forever) or unmutes, or marks read or unread (<paramref name="On"/>)
    /// the chat <paramref name="Chat"/> (a user or group jid) as an app-state patch on the account's collection, so the
    /// phone and the other companions show it too. Needs a connection and the app-state key the phone shares after linking.
    /// The patch is built on the latest verified state; when another device wrote first (409) the collection is fetched and
    /// the patch built once more. Durable before the answer: a <see cref="ChatSettingChangedBody"/> event
    /// (<c>ByThisSession</c>). Replies <see cref="ChatModified"/>, or <see cref="ChatModifyRefused"/>, <see cref="NotFound"/>,
    /// <see cref="Unavailable"/>.
    /// </summary>
    public sealed record ModifyChat(SessionId SessionId, string Chat, ChatSetting Setting, bool On) : IWithSessionId;

    /// <summary>The patch for <paramref name="Chat"/> is stored by the server as <paramref name="Version"/> of <paramref name="Collection"/>.</summary>
    public sealed record ChatModified(SessionId SessionId, string Chat, string Collection, ulong Version) : Reply(SessionId);

    /// <summary>Nothing was written, and why.</summary>
    public sealed record ChatModifyRefused(SessionId SessionId, ChatModifyRefusal Reason, string Detail) : Reply(SessionId);
}

/// <summary>Why <see cref="SessionCommands.ModifyChat"/> wrote nothing.</summary>
public enum ChatModifyRefusal
{
    /// <summary>The chat is not a user or group jid.</summary>
    BadChat,

    /// <summary>The session is not linked to a phone.</summary>
    NotLinked,

    /// <summary>The session was deleted or logged out.</summary>
    Ended,

    /// <summary>The session has no live connection (the change is not queued).</summary>
    NotConnected,

    /// <summary>The phone has not shared the app-state key yet (it does so shortly after linking).</summary>
    NoKey,

    /// <summary>Other devices kept writing the collection first, twice in a row.</summary>
    Conflict,

    /// <summary>The server did not answer the upload (timeout, the connection ended, an error).</summary>
    Unanswered,
}
