using System.Globalization;
using System.Text;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;

namespace SessionCluster.Sessions.Flows;

/// <summary>The changes to a group's members <c>w:g2</c> takes (the child's tag).</summary>
public enum GroupParticipantAction
{
    Add,
    Remove,
    Promote,
    Demote,
}

/// <summary>
/// Group management on the wire (docs/PROTOCOL.md §9; Baileys Socket/groups.js, whatsmeow group.go): <c>w:g2</c> iqs to
/// <c>@g.us</c> (create, leave) or to the group (query, participants, subject, description, invite). Pure builders and
/// readers.
/// </summary>
public static class GroupQueries
{
    private const string GroupServer = "g.us";

    /// <summary><c>set to="@g.us"</c> <c>&lt;create subject key&gt;&lt;participant jid/&gt;…</c>; <c>key</c> is a fresh message id (what both clients send).</summary>
    public static Node Create(string id, string subject, IEnumerable<Jid> participants, string key) =>
        Iq(id, "@g.us", "set", new Node("create", [("subject", subject), ("key", key)], Participants(participants)));

    /// <summary><c>get to=GROUP</c> <c>&lt;query request="interactive"/&gt;</c>.</summary>
    public static Node Query(string id, Jid group) => Iq(id, group.ToString(), "get", new Node("query", [("request", "interactive")]));

    public static Node ChangeParticipants(string id, Jid group, GroupParticipantAction action, IEnumerable<Jid> participants) =>
        Iq(id, group.ToString(), "set", new Node(Tag(action), null, Participants(participants)));

    /// <summary><c>&lt;subject&gt;</c> with the text as bytes (as Baileys sends it).</summary>
    public static Node Subject(string id, Jid group, string subject) =>
        Iq(id, group.ToString(), "set", new Node("subject", null, Encoding.UTF8.GetBytes(subject)));

    /// <summary>
    /// <c>&lt;description id [prev]&gt;&lt;body&gt;TEXT&lt;/body&gt;</c>, or <c>&lt;description delete="true" [prev]/&gt;</c>
    /// when <paramref name="text"/> is null; <paramref name="previousId"/> is the current description's id.
    /// </summary>
    public static Node Description(string id, Jid group, string descriptionId, string? previousId, string? text)
    {
        List<NodeAttribute> attributes = text is null ? [("delete", "true")] : [("id", descriptionId)];
        if (previousId is not null)
        {
            attributes.Add(("prev", previousId));
        }

        var description = text is null
            ? new Node("description", attributes)
            : new Node("description", attributes, [new Node("body", null, Encoding.UTF8.GetBytes(text))]);
        return Iq(id, group.ToString(), "set", description);
    }

    /// <summary><c>set to="@g.us"</c> <c>&lt;leave&gt;&lt;group id/&gt;&lt;/leave&gt;</c>.</summary>
    public static Node Leave(string id, Jid group) =>
        Iq(id, "@g.us", "set", new Node("leave", null, [new Node("group", [("id", group.ToString())])]));

    /// <summary><c>get</c> (the current code) or <c>set</c> (a new one, the old link dead) <c>&lt;invite/&gt;</c>.</summary>
    public static Node Invite(string id, Jid group, bool reset) => Iq(id, group.ToString(), reset ? "set" : "get", new Node("invite"));

    /// <summary>The <c>&lt;group&gt;</c> of a create or query result.</summary>
    /// <exception cref="FormatException">No <c>&lt;group id&gt;</c>.</exception>
    public static GroupInfo ReadGroup(Node result)
    {
        var group = result.GetOptionalChild("group") ?? throw new FormatException("The w:g2 result has no <group>.");
        var id = group.GetOptionalString("id") is { Length: > 0 } raw ? raw : throw new FormatException("<group> has no id.");
        var jid = id.Contains('@', StringComparison.Ordinal) ? id : id + "@" + GroupServer;
        var description = group.GetOptionalChild("description");
        var members = group.GetChildren("participant")
            .Select(p => new GroupMember(
                p.GetOptionalString("jid") ?? throw new FormatException("A <participant> has no jid."),
                p.GetOptionalString("phone_number"),
                p.GetOptionalString("type") switch { "superadmin" => GroupRole.SuperAdmin, "admin" => GroupRole.Admin, _ => GroupRole.Member }))
            .ToList();
        return new GroupInfo(
            jid,
            group.GetOptionalString("subject") ?? "",
            group.GetOptionalString("s_o_pn") ?? group.GetOptionalString("s_o"),
            Seconds(group.GetOptionalString("s_t")),
            description?.GetOptionalChild("body") is { } body ? Text(body) : null,
            description?.GetOptionalString("id"),
            Seconds(group.GetOptionalString("creation")),
            group.GetOptionalString("creator_pn") ?? group.GetOptionalString("creator"),
            group.GetOptionalString("addressing_mode") ?? "pn",
            members);
    }

    /// <summary>Each <c>&lt;participant jid [error]&gt;</c> of an add/remove/promote/demote result: 200, or its error code.</summary>
    /// <exception cref="FormatException">No child of that action's tag.</exception>
    public static IReadOnlyList<GroupParticipantResult> ReadParticipants(Node result, GroupParticipantAction action)
    {
        var node = result.GetOptionalChild(Tag(action)) ?? throw new FormatException($"The w:g2 result has no <{Tag(action)}>.");
        return [.. node.GetChildren("participant").Select(p => new GroupParticipantResult(
            p.GetOptionalString("jid") ?? throw new FormatException("A <participant> has no jid."),
            int.TryParse(p.GetOptionalString("error"), NumberStyles.None, CultureInfo.InvariantCulture, out var error) ? error : 200))];
    }

    /// <summary>The code of an <c>&lt;invite code/&gt;</c> result.</summary>
    /// <exception cref="FormatException">No code.</exception>
    public static string ReadInviteCode(Node result) =>
        result.GetOptionalChild("invite")?.GetOptionalString("code") is { Length: > 0 } code ? code : throw new FormatException("The w:g2 result has no <invite code>.");

    /// <summary>The id a new description gets: a message id, as Baileys makes it.</summary>
    public static string NewDescriptionId(string ownUser, DateTimeOffset now) => MessageIds.New(ownUser, now);

    private static string Tag(GroupParticipantAction action) => action switch
    {
        GroupParticipantAction.Add => "add",
        GroupParticipantAction.Remove => "remove",
        GroupParticipantAction.Promote => "promote",
        GroupParticipantAction.Demote => "demote",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Not a participant action."),
    };

    private static Node Iq(string id, string to, string type, Node child) =>
        new("iq", [("id", id), ("xmlns", "w:g2"), ("type", type), ("to", to)], [child]);

    private static List<Node> Participants(IEnumerable<Jid> jids) => [.. jids.Select(j => new Node("participant", [("jid", j.ToString())]))];

    private static DateTimeOffset? Seconds(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    private static string Text(Node node) => node.ContentKind switch
    {
        NodeContentKind.Bytes => Encoding.UTF8.GetString(node.Bytes.Span),
        _ => node.Text ?? "",
    };
}

/// <summary>
/// A <c>w:gp2</c> notification (docs/PROTOCOL.md §9; Baileys messages-recv.js handleGroupNotification): <c>from=GROUP
/// participant=ACTOR [participant_pn] t</c> around one change — <c>create</c> (with the <c>&lt;group&gt;</c>),
/// <c>add|remove|leave|promote|demote</c> (with <c>&lt;participant jid/&gt;</c>s), <c>subject</c>, <c>description</c>
/// (a <c>&lt;body&gt;</c>, or <c>delete="true"</c>). Pure reader.
/// </summary>
public static class GroupNotificationReader
{
    /// <summary>The change, or null for a notification of another kind (ignored, and acked, by the session).</summary>
    public static GroupChangedBody? Read(Node notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (notification.GetOptionalJid("from") is not { IsGroup: true } group || notification.ContentKind != NodeContentKind.Children)
        {
            return null;
        }

        var by = notification.GetOptionalString("participant_pn") ?? notification.GetOptionalString("participant");
        var at = long.TryParse(notification.GetOptionalString("t"), NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            ? DateTimeOffset.FromUnixTimeSeconds(t)
            : DateTimeOffset.UnixEpoch;
        foreach (var child in notification.Children)
        {
            var participants = child.GetChildren("participant").Select(p => p.GetOptionalString("phone_number") ?? p.GetOptionalString("jid")).OfType<string>().ToList();
            GroupChangedBody Change(GroupChange change, string? subject = null, string? description = null) =>
                new(group.ToNonAd().ToString(), change, participants, by, subject, description, at);
            switch (child.Tag)
            {
                case "create":
                    var created = child.GetOptionalChild("group");
                    return Change(GroupChange.Created, created?.GetOptionalString("subject"));
                case "add":
                    return Change(GroupChange.Added);
                case "remove":
                    return Change(GroupChange.Removed);
                case "leave":
                    return Change(GroupChange.Left);
                case "promote":
                    return Change(GroupChange.Promoted);
                case "demote":
                    return Change(GroupChange.Demoted);
                case "subject":
                    return Change(GroupChange.Subject, child.GetOptionalString("subject"));
                case "description" when child.GetOptionalString("delete") == "true":
                    return Change(GroupChange.DescriptionRemoved);
                case "description":
                    return Change(GroupChange.Description, description: child.GetOptionalChild("body") is { } body ? Encoding.UTF8.GetString(body.ContentKind == NodeContentKind.Bytes ? body.Bytes.Span : Encoding.UTF8.GetBytes(body.Text ?? "")) : null);
            }
        }

        return null;
    }
}
