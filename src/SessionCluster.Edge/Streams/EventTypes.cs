using System.Collections.Frozen;

namespace SessionCluster.Edge.Streams;

/// <summary>
/// The API's event type names a stream's <c>types</c> filter accepts: every name <see cref="Events.EventView.TypeOf"/>
/// gives (docs/API.md "Event types"). A name outside this set is a 400, not a filter that silently matches nothing.
/// </summary>
internal static class EventTypes
{
    public static readonly FrozenSet<string> Known = new[]
    {
        "session.status", "session.qr", "session.pairing_code", "session.link_failed", "session.disconnected", "session.logged_out",
        "message.received", "message.reaction", "message.edited", "message.revoked", "message.poll_vote", "message.status", "message.undecryptable", "contact.identity_changed",
        "session.settings", "group.update", "group.participants", "presence.update", "chat.state", "call.offer", "history.sync", "status.received",
        "chat.archived", "chat.unarchived", "chat.pinned", "chat.unpinned", "chat.muted", "chat.unmuted", "chat.read", "chat.unread", "contact.updated", "account.push_name",
    }.ToFrozenSet(StringComparer.Ordinal);
}
