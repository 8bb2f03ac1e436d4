using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator.Groups;

/// <summary>
/// <c>xmlns="w:g2"</c> (docs/PROTOCOL.md §9; Baileys Socket/groups.js), from a logged-in device:
/// <list type="bullet">
/// <item><c>set to="@g.us"</c> <c>&lt;create subject key&gt;&lt;participant jid/&gt;…</c> → <c>&lt;group …&gt;</c> of the new group (the sender is its super admin);</item>
/// <item><c>get to=GROUP</c> <c>&lt;query request="interactive"/&gt;</c> → <c>&lt;group …&gt;</c> (members only);</item>
/// <item><c>set to=GROUP</c> <c>&lt;add&gt;</c>/<c>&lt;remove&gt;</c> with <c>&lt;participant jid/&gt;</c>s → the same element listing each participant (admins only);</item>
/// <item><c>set to=GROUP</c> <c>&lt;subject&gt;TEXT&lt;/subject&gt;</c> (any member) → empty result; <c>&lt;promote&gt;</c>/<c>&lt;demote&gt;</c> with <c>&lt;participant jid/&gt;</c>s (admins; the super admin keeps its role) → the same element;</item>
/// <item><c>set to="@g.us"</c> <c>&lt;leave&gt;&lt;group id/&gt;…</c> → the same element;</item>
/// <item><c>get to="@g.us"</c> <c>&lt;participating&gt;</c> → <c>&lt;groups&gt;</c> with every group the account is in;</item>
/// <item><c>set to=GROUP</c> <c>&lt;description id [prev]&gt;&lt;body&gt;TEXT&lt;/body&gt;</c> or <c>&lt;description delete="true" [prev]/&gt;</c> (any member) → empty result (Baileys groupUpdateDescription);</item>
/// <item><c>get to=GROUP</c> <c>&lt;invite/&gt;</c> → <c>&lt;invite code/&gt;</c>; <c>set</c> resets the code (admins; Baileys groupInviteCode, groupRevokeInvite).</item>
/// </list>
/// Refusals: unknown group or account 404 item-not-found; not a member / not an admin 403 forbidden; a bad subject 400
/// (uncertain: docs/PROTOCOL.md does not record the real server's codes; these are WhatsApp's usual iq error codes).
/// </summary>
internal sealed class GroupIqs(GroupDirectory groups, AccountDirectory accounts, GroupNotifications notifications)
{
    public async ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        var me = connection.LoggedIn!.Account.Jid;
        var actor = connection.LoggedIn.DeviceJid;
        var to = iq.GetOptionalJid("to") ?? throw new IqRequestException(IqErrorCode.BadRequest, "A w:g2 iq needs 'to'.");
        var type = iq.GetString("type");
        var child = IqRouter.FirstChild(iq);
        try
        {
            Node? reply = (type, child, to.IsGroup && to.User.Length > 0) switch
            {
                ("set", "create", false) => await CreateAsync(me, actor, IqRouter.RequireChild(iq, "create"), cancellationToken).ConfigureAwait(false),
                ("get", "query", true) => Query(me, to),
                ("set", "add" or "remove", true) => await ChangeParticipantsAsync(me, actor, to, IqRouter.RequireChild(iq, child), cancellationToken).ConfigureAwait(false),
                ("set", "subject", true) => await SubjectAsync(me, actor, to, IqRouter.RequireChild(iq, "subject"), cancellationToken).ConfigureAwait(false),
                ("set", "promote" or "demote", true) => await SetRoleAsync(me, actor, to, IqRouter.RequireChild(iq, child), cancellationToken).ConfigureAwait(false),
                ("set", "description", true) => await DescriptionAsync(me, actor, to, IqRouter.RequireChild(iq, "description"), cancellationToken).ConfigureAwait(false),
                ("get" or "set", "invite", true) => new Node("invite", [("code", groups.InviteCode(to, me, reset: type == "set").InviteCode!)]),
                ("set", "leave", false) => await LeaveAsync(me, actor, IqRouter.RequireChild(iq, "leave"), cancellationToken).ConfigureAwait(false),
                ("get", "participating", false) => Participating(me),
                _ => throw new IqRequestException(IqErrorCode.FeatureNotImplemented, $"w:g2 {type} <{child}> to {to} is not supported."),
            };
            return reply is null ? ServerStanzas.IqResult(iq) : ServerStanzas.IqResult(iq, reply);
        }
        catch (GroupException e)
        {
            throw new IqRequestException(
                e.Failure switch
                {
                    GroupFailure.UnknownAccount or GroupFailure.UnknownGroup => IqErrorCode.ItemNotFound,
                    GroupFailure.NotAllowed => IqErrorCode.Forbidden,
                    GroupFailure.BadDescription when e.Message.StartsWith("prev", StringComparison.Ordinal) => IqErrorCode.Conflict,
                    _ => IqErrorCode.BadRequest,
                },
                e.Message);
        }
    }

    private async Task<Node> CreateAsync(Jid me, Jid actor, Node create, CancellationToken cancellationToken)
    {
        var subject = create.GetOptionalString("subject") ?? throw new IqRequestException(IqErrorCode.BadRequest, "<create> needs a subject.");
        var group = groups.Create(subject, me, ParticipantJids(create));
        var node = GroupNodes.Group(group, accounts);
        await notifications.SendAsync(group, actor, new Node("create", null, [node]), [], cancellationToken).ConfigureAwait(false);
        return node;
    }

    private Node Query(Jid me, Jid to)
    {
        var group = Require(to);
        if (!group.IsParticipant(me))
        {
            throw new GroupException(GroupFailure.NotAllowed, $"{me} is not a member of {to}.");
        }

        return GroupNodes.Group(group, accounts);
    }

    private async Task<Node> ChangeParticipantsAsync(Jid me, Jid actor, Jid to, Node action, CancellationToken cancellationToken)
    {
        var jids = ParticipantJids(action);
        var group = action.Tag == "add" ? groups.AddParticipants(to, me, jids) : groups.RemoveParticipants(to, me, jids);
        var change = GroupNotifications.Participants(action.Tag, jids, accounts);
        await notifications.SendAsync(group, actor, change, action.Tag == "remove" ? jids : [], cancellationToken).ConfigureAwait(false);
        return change;
    }

    private async Task<Node?> SubjectAsync(Jid me, Jid actor, Jid to, Node subject, CancellationToken cancellationToken)
    {
        var text = subject.ContentKind switch
        {
            NodeContentKind.Bytes => System.Text.Encoding.UTF8.GetString(subject.Bytes.Span),
            NodeContentKind.Text => subject.Text ?? "",
            _ => throw new IqRequestException(IqErrorCode.BadRequest, "<subject> holds the new subject."),
        };
        var group = groups.UpdateSubject(to, me, text);
        var owner = group.SubjectOwner!.Value;
        var change = new Node("subject", [("subject", group.Subject), ("s_o", (accounts.Find(owner)?.Lid ?? owner).ToString()), ("s_o_pn", owner.ToString()), ("s_t", group.SubjectTime!.Value.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        await notifications.SendAsync(group, actor, change, [], cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async Task<Node?> DescriptionAsync(Jid me, Jid actor, Jid to, Node description, CancellationToken cancellationToken)
    {
        var deleting = description.GetOptionalString("delete") == "true";
        var body = description.GetOptionalChild("body");
        var text = body?.ContentKind switch
        {
            NodeContentKind.Bytes => System.Text.Encoding.UTF8.GetString(body.Bytes.Span),
            NodeContentKind.Text => body.Text ?? "",
            _ => null,
        };
        if (deleting == (text is not null))
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "<description> holds a <body> with the text, or delete=\"true\" without one.");
        }

        var id = description.GetOptionalString("id") ?? (deleting ? "" : throw new IqRequestException(IqErrorCode.BadRequest, "<description> needs an id."));
        var group = groups.UpdateDescription(to, me, id, description.GetOptionalString("prev"), text);
        await notifications.SendAsync(group, actor, GroupNodes.Description(group, accounts) ?? new Node("description", [("delete", "true")]), [], cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async Task<Node> SetRoleAsync(Jid me, Jid actor, Jid to, Node action, CancellationToken cancellationToken)
    {
        var jids = ParticipantJids(action);
        var group = groups.SetRole(to, me, jids, action.Tag == "promote" ? GroupRole.Admin : GroupRole.Member);
        var change = GroupNotifications.Participants(action.Tag, jids, accounts);
        await notifications.SendAsync(group, actor, change, [], cancellationToken).ConfigureAwait(false);
        return change;
    }

    private async Task<Node> LeaveAsync(Jid me, Jid actor, Node leave, CancellationToken cancellationToken)
    {
        var named = leave.GetChildren("group").ToArray();
        if (named.Length == 0)
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "<leave> names no <group id>.");
        }

        foreach (var group in named)
        {
            var id = group.GetString("id");
            var jid = id.Contains('@', StringComparison.Ordinal) ? Jid.Parse(id) : new Jid(id, JidServer.Group);
            var left = groups.RemoveParticipants(jid, me, [me]);
            await notifications.SendAsync(left, actor, GroupNotifications.Participants("leave", [me], accounts), [me], cancellationToken).ConfigureAwait(false);
        }

        return new Node("leave", null, [.. named.Select(g => new Node("group", [("id", g.GetString("id"))]))]);
    }

    private Node Participating(Jid me) =>
        new("groups", null, [.. groups.All.Where(g => g.IsParticipant(me)).Select(g => GroupNodes.Group(g, accounts))]);

    private Group Require(Jid jid) =>
        groups.TryGet(jid, out var group) ? group : throw new GroupException(GroupFailure.UnknownGroup, $"No group {jid}.");

    private static Jid[] ParticipantJids(Node parent) =>
        [.. parent.GetChildren("participant").Select(p => p.GetJid("jid"))];
}
