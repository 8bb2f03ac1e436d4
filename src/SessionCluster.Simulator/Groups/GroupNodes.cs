using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator.Groups;

/// <summary>A group as the <c>w:g2</c> answers describe it (docs/PROTOCOL.md §9; Baileys extractGroupMetadata reads these attributes).</summary>
internal static class GroupNodes
{
    /// <summary>
    /// <c>&lt;group id subject s_t s_o creation creator addressing_mode="pn" size&gt;&lt;participant jid [type] [lid]/&gt;…&lt;/group&gt;</c>;
    /// <c>id</c> is the bare group id as the real server sends it; each PN participant carries its <c>lid</c>.
    /// </summary>
    public static Node Group(Group group, AccountDirectory accounts)
    {
        var created = group.CreatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new Node(
            "group",
            [
                ("id", group.Jid.User),
                ("subject", group.Subject),
                ("s_t", (group.SubjectTime ?? group.CreatedAt).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
                ("s_o", (group.SubjectOwner ?? group.Creator).ToString()),
                ("creation", created),
                ("creator", group.Creator.ToString()),
                ("addressing_mode", "pn"),
                ("size", group.Participants.Count.ToString(CultureInfo.InvariantCulture)),
            ],
            [.. group.Participants.Select(p => Participant(p, accounts))]);
    }

    private static Node Participant(GroupParticipant participant, AccountDirectory accounts)
    {
        List<NodeAttribute> attributes = [("jid", participant.Jid.ToString())];
        if (participant.WireType is { } type)
        {
            attributes.Add(("type", type));
        }

        if (accounts.Find(participant.Jid) is { } account)
        {
            attributes.Add(("lid", account.Lid.ToString()));
        }

        return new Node("participant", attributes);
    }
}
