using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator.Groups;

/// <summary>A group as the <c>w:g2</c> answers describe it (docs/PROTOCOL.md §9; Baileys extractGroupMetadata reads these attributes).</summary>
internal static class GroupNodes
{
    /// <summary>
    /// <c>&lt;group id subject s_t s_o s_o_pn creation creator creator_pn addressing_mode="lid" size&gt;&lt;participant jid=LID phone_number=PN [type]/&gt;…&lt;/group&gt;</c>:
    /// every simulator account is LID-migrated, so groups are in LID addressing mode and name members by LID with the
    /// phone number beside it (Baileys extractGroupMetadata: <c>id</c>, <c>phoneNumber</c>; it then sends to the LID devices
    /// and encrypts with its own LID sender key). <c>id</c> is the bare group id as the real server sends it.
    /// A member without an account (not possible through the admin API or w:g2) keeps its phone number JID.
    /// </summary>
    public static Node Group(Group group, AccountDirectory accounts)
    {
        var created = group.CreatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var subjectOwner = group.SubjectOwner ?? group.Creator;
        return new Node(
            "group",
            [
                ("id", group.Jid.User),
                ("subject", group.Subject),
                ("s_t", (group.SubjectTime ?? group.CreatedAt).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
                ("s_o", Lid(subjectOwner, accounts).ToString()),
                ("s_o_pn", subjectOwner.ToString()),
                ("creation", created),
                ("creator", Lid(group.Creator, accounts).ToString()),
                ("creator_pn", group.Creator.ToString()),
                ("addressing_mode", Relay.LidAddressing.Mode),
                ("size", group.Participants.Count.ToString(CultureInfo.InvariantCulture)),
            ],
            [.. group.Participants.Select(p => Participant(p, accounts)), .. Description(group, accounts) is { } description ? [description] : Array.Empty<Node>()]);
    }

    /// <summary><c>&lt;description id participant participant_pn t&gt;&lt;body&gt;TEXT&lt;/body&gt;&lt;/description&gt;</c> (Baileys extractGroupMetadata), or null without one.</summary>
    public static Node? Description(Group group, AccountDirectory accounts) => group.Description is not { } d
        ? null
        : new Node("description",
            [("id", d.Id), ("participant", Lid(d.Owner, accounts).ToString()), ("participant_pn", d.Owner.ToString()), ("t", d.At.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))],
            [new Node("body", null, System.Text.Encoding.UTF8.GetBytes(d.Text))]);

    /// <summary>The LID user of the account behind <paramref name="user"/>, or <paramref name="user"/> itself without one.</summary>
    private static Jid Lid(Jid user, AccountDirectory accounts) => accounts.Find(user)?.Lid ?? user;

    private static Node Participant(GroupParticipant participant, AccountDirectory accounts)
    {
        List<NodeAttribute> attributes = accounts.Find(participant.Jid) is { } account
            ? [("jid", account.Lid.ToString()), ("phone_number", account.Jid.ToString())]
            : [("jid", participant.Jid.ToString())];
        if (participant.WireType is { } type)
        {
            attributes.Add(("type", type));
        }

        return new Node("participant", attributes);
    }
}
