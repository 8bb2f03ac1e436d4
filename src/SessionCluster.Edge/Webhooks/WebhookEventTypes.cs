namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// The event filters a webhook accepts: <c>*</c>, an event type (docs/API.md "Event types", as
/// <see cref="Events.EventView.TypeOf"/> names them), or a family such as <c>message.*</c>.
/// </summary>
public static class WebhookEventTypes
{
    public static readonly IReadOnlyList<string> Known =
    [
        "session.status", "session.qr", "session.pairing_code", "session.link_failed", "session.disconnected", "session.logged_out",
        "message.received", "message.reaction", "message.edited", "message.revoked", "message.poll_vote", "message.status", "message.undecryptable", "contact.identity_changed",
        "session.settings", "group.update", "group.participants", "presence.update", "chat.state", "call.offer", "history.sync", "status.received",
        "chat.archived", "chat.unarchived", "chat.pinned", "chat.unpinned", "chat.muted", "chat.unmuted", "chat.read", "chat.unread", "contact.updated", "account.push_name",
    ];

    public static bool IsValidFilter(string filter) =>
        filter == "*" || Known.Contains(filter) ||
        (filter.EndsWith(".*", StringComparison.Ordinal) && Known.Any(type => type.StartsWith(filter[..^1], StringComparison.Ordinal)));

    public static bool Matches(IReadOnlyList<string> filters, string type)
    {
        foreach (var filter in filters)
        {
            if (filter == "*" || filter == type || (filter.EndsWith(".*", StringComparison.Ordinal) && type.StartsWith(filter[..^1], StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
