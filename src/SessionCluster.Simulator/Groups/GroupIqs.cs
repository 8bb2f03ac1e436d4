using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
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
/// <item><c>get to="@g.us"</c> <c>&lt;participating&gt;</c> → <c>&lt;groups&gt;</c> with every group the account is in.</item>
/// </list>
/// Refusals: unknown group or account 404 item-not-found; not a member / not an admin 403 forbidden; a bad subject 400
/// (uncertain: docs/PROTOCOL.md does not record the real server's codes; these are WhatsApp's usual iq error codes).
/// </summary>
internal static class GroupIqs
{
    public static async ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        var server = connection.Server;
        var me = connection.LoggedIn!.Account.Jid;
        var actor = connection.LoggedIn.DeviceJid;
        var to = iq.GetOptionalJid("to") ?? throw new IqRequestException(IqErrorCode.BadRequest, "A w:g2 iq needs 'to'.");
        var type = iq.GetString("type");
        var child = IqRouter.FirstChild(iq);
        try
        {
            Node? reply = (type, child, to.IsGroup && to.User.Length > 0) switch
            {
                ("set", "create", false) => await CreateAsync(server, me, actor, IqRouter.RequireChild(iq, "create"), cancellationToken).ConfigureAwait(false),
                ("get", "query", true) => Query(server, me, to),
                ("set", "add" or "remove", true) => await ChangeParticipantsAsync(server, me, actor, to, IqRouter.RequireChild(iq, child), cancellationToken).ConfigureAwait(false),
                ("set", "subject", true) => await SubjectAsync(server, me, actor, to, IqRouter.RequireChild(iq, "subject"), cancellationToken).ConfigureAwait(false),
                ("set", "promote" or "demote", true) => await SetRoleAsync(server, me, actor, to, IqRouter.RequireChild(iq, child), cancellationToken).ConfigureAwait(false),
                ("set", "leave", false) => await LeaveAsync(server, me, actor, IqRouter.RequireChild(iq, "leave"), cancellationToken).ConfigureAwait(false),
                ("get", "participating", false) => Participating(server, me),
                _ => throw new IqRequestException(IqErrorCode.FeatureNotImplemented, $"w:g2 {type} <{child}> to {to} is not built."),
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
                    _ => IqErrorCode.BadRequest,
                },
                e.Message);
        }
    }

    private static async Task<Node> CreateAsync(SimulatorServer server, Jid me, Jid actor, Node create, CancellationToken cancellationToken)
    {
        var subject = create.GetOptionalString("subject") ?? throw new IqRequestException(IqErrorCode.BadRequest, "<create> needs a subject.");
        var group = server.Groups.Create(subject, me, ParticipantJids(create));
        var node = GroupNodes.Group(group, server.Accounts);
        await GroupNotifications.SendAsync(server, group, actor, new Node("create", null, [node]), [], cancellationToken).ConfigureAwait(false);
        return node;
    }

    private static Node Query(SimulatorServer server, Jid me, Jid to)
    {
        var group = Require(server, to);
        if (!group.IsParticipant(me))
        {
            throw new GroupException(GroupFailure.NotAllowed, $"{me} is not a member of {to}.");
        }

        return GroupNodes.Group(group, server.Accounts);
    }

    private static async Task<Node> ChangeParticipantsAsync(SimulatorServer server, Jid me, Jid actor, Jid to, Node action, CancellationToken cancellationToken)
    {
        var jids = ParticipantJids(action);
        var group = action.Tag == "add" ? server.Groups.AddParticipants(to, me, jids) : server.Groups.RemoveParticipants(to, me, jids);
        var change = GroupNotifications.Participants(action.Tag, jids, server.Accounts);
        await GroupNotifications.SendAsync(server, group, actor, change, action.Tag == "remove" ? jids : [], cancellationToken).ConfigureAwait(false);
        return change;
    }

    private static async Task<Node?> SubjectAsync(SimulatorServer server, Jid me, Jid actor, Jid to, Node subject, CancellationToken cancellationToken)
    {
        var text = subject.ContentKind switch
        {
            NodeContentKind.Bytes => System.Text.Encoding.UTF8.GetString(subject.Bytes.Span),
            NodeContentKind.Text => subject.Text ?? "",
            _ => throw new IqRequestException(IqErrorCode.BadRequest, "<subject> holds the new subject."),
        };
        var group = server.Groups.UpdateSubject(to, me, text);
        var owner = group.SubjectOwner!.Value;
        var change = new Node("subject", [("subject", group.Subject), ("s_o", (server.Accounts.Find(owner)?.Lid ?? owner).ToString()), ("s_o_pn", owner.ToString()), ("s_t", group.SubjectTime!.Value.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        await GroupNotifications.SendAsync(server, group, actor, change, [], cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static async Task<Node> SetRoleAsync(SimulatorServer server, Jid me, Jid actor, Jid to, Node action, CancellationToken cancellationToken)
    {
        var jids = ParticipantJids(action);
        var group = server.Groups.SetRole(to, me, jids, action.Tag == "promote" ? GroupRole.Admin : GroupRole.Member);
        var change = GroupNotifications.Participants(action.Tag, jids, server.Accounts);
        await GroupNotifications.SendAsync(server, group, actor, change, [], cancellationToken).ConfigureAwait(false);
        return change;
    }

    private static async Task<Node> LeaveAsync(SimulatorServer server, Jid me, Jid actor, Node leave, CancellationToken cancellationToken)
    {
        var groups = leave.GetChildren("group").ToArray();
        if (groups.Length == 0)
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "<leave> names no <group id>.");
        }

        foreach (var group in groups)
        {
            var id = group.GetString("id");
            var jid = id.Contains('@', StringComparison.Ordinal) ? Jid.Parse(id) : new Jid(id, JidServer.Group);
            var left = server.Groups.RemoveParticipants(jid, me, [me]);
            await GroupNotifications.SendAsync(server, left, actor, GroupNotifications.Participants("leave", [me], server.Accounts), [me], cancellationToken).ConfigureAwait(false);
        }

        return new Node("leave", null, [.. groups.Select(g => new Node("group", [("id", g.GetString("id"))]))]);
    }

    private static Node Participating(SimulatorServer server, Jid me) =>
        new("groups", null, [.. server.Groups.All.Where(g => g.IsParticipant(me)).Select(g => GroupNodes.Group(g, server.Accounts))]);

    private static Group Require(SimulatorServer server, Jid jid) =>
        server.Groups.TryGet(jid, out var group) ? group : throw new GroupException(GroupFailure.UnknownGroup, $"No group {jid}.");

    private static Jid[] ParticipantJids(Node parent) =>
        [.. parent.GetChildren("participant").Select(p => p.GetJid("jid"))];
}
