using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator.Groups;

/// <summary>
/// <c>xmlns="w:g2"</c> (FACTS §9; Baileys Socket/groups.js), from a logged-in device:
/// <list type="bullet">
/// <item><c>set to="@g.us"</c> <c>&lt;create subject key&gt;&lt;participant jid/&gt;…</c> → <c>&lt;group …&gt;</c> of the new group (the sender is its super admin);</item>
/// <item><c>get to=GROUP</c> <c>&lt;query request="interactive"/&gt;</c> → <c>&lt;group …&gt;</c> (members only);</item>
/// <item><c>set to=GROUP</c> <c>&lt;add&gt;</c>/<c>&lt;remove&gt;</c> with <c>&lt;participant jid/&gt;</c>s → the same element listing each participant (admins only);</item>
/// <item><c>set to="@g.us"</c> <c>&lt;leave&gt;&lt;group id/&gt;…</c> → the same element;</item>
/// <item><c>get to="@g.us"</c> <c>&lt;participating&gt;</c> → <c>&lt;groups&gt;</c> with every group the account is in.</item>
/// </list>
/// Refusals: unknown group or account 404 item-not-found; not a member / not an admin 403 forbidden; a bad subject 400
/// (uncertain: FACTS does not record the real server's codes; these are WhatsApp's usual iq error codes).
/// </summary>
internal static class GroupIqs
{
    private static readonly IqErrorCode Forbidden = new(403, "forbidden");

    public static ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        var server = connection.Server;
        var me = connection.LoggedIn!.Account.Jid;
        var to = iq.GetOptionalJid("to") ?? throw new IqRequestException(IqErrorCode.BadRequest, "A w:g2 iq needs 'to'.");
        var type = iq.GetString("type");
        var child = IqRouter.FirstChild(iq);
        try
        {
            Node reply = (type, child, to.IsGroup && to.User.Length > 0) switch
            {
                ("set", "create", false) => Create(server, me, IqRouter.RequireChild(iq, "create")),
                ("get", "query", true) => Query(server, me, to),
                ("set", "add" or "remove", true) => ChangeParticipants(server, me, to, IqRouter.RequireChild(iq, child)),
                ("set", "leave", false) => Leave(server, me, IqRouter.RequireChild(iq, "leave")),
                ("get", "participating", false) => Participating(server, me),
                _ => throw new IqRequestException(IqErrorCode.FeatureNotImplemented, $"w:g2 {type} <{child}> to {to} is not built."),
            };
            return ValueTask.FromResult<Node?>(ServerStanzas.IqResult(iq, reply));
        }
        catch (GroupException e)
        {
            throw new IqRequestException(
                e.Failure switch
                {
                    GroupFailure.UnknownAccount or GroupFailure.UnknownGroup => IqErrorCode.ItemNotFound,
                    GroupFailure.NotAllowed => Forbidden,
                    _ => IqErrorCode.BadRequest,
                },
                e.Message);
        }
    }

    private static Node Create(SimulatorServer server, Jid me, Node create)
    {
        var subject = create.GetOptionalString("subject") ?? throw new IqRequestException(IqErrorCode.BadRequest, "<create> needs a subject.");
        var group = server.Groups.Create(subject, me, ParticipantJids(create));
        return GroupNodes.Group(group, server.Accounts);
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

    private static Node ChangeParticipants(SimulatorServer server, Jid me, Jid to, Node action)
    {
        var jids = ParticipantJids(action);
        _ = action.Tag == "add" ? server.Groups.AddParticipants(to, me, jids) : server.Groups.RemoveParticipants(to, me, jids);
        return new Node(action.Tag, null, [.. jids.Select(j => new Node("participant", [("jid", j.ToString())]))]);
    }

    private static Node Leave(SimulatorServer server, Jid me, Node leave)
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
            server.Groups.RemoveParticipants(jid, me, [me]);
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
