using System.Globalization;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Simulator.Groups;

/// <summary>
/// <c>&lt;notification from=GROUP type="w:gp2" id t participant=ACTOR&gt;&lt;create|add|remove|leave&gt;…&lt;/notification&gt;</c>
/// (Baileys messages-recv.js handleGroupNotification: <c>create</c> carries the <c>&lt;group&gt;</c>, the others the
/// <c>&lt;participant jid/&gt;</c>s), queued by the relay to every companion of every member (and of those removed), except
/// the acting device, which has its iq answer. Like other notifications they wait in the offline queue until acked.
/// The phones (device 0) are not told: they have no use for them yet.
/// </summary>
internal static class GroupNotifications
{
    public static async Task SendAsync(SimulatorServer server, Group group, Jid actor, Node change, IEnumerable<Jid> alsoTell, CancellationToken cancellationToken)
    {
        var notification = new Node(
            "notification",
            [
                ("from", group.Jid.ToString()),
                ("type", "w:gp2"),
                ("id", server.NextGroupNotificationId()),
                ("t", server.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
                ("participant", new Jid(actor.User, actor.Server).ToString()),
            ],
            [change]);
        var users = group.Participants.Select(p => p.Jid).Concat(alsoTell).Distinct();
        foreach (var user in users)
        {
            if (server.Accounts.Find(user) is not { } account)
            {
                continue;
            }

            foreach (var device in account.Devices)
            {
                if (account.Phone == actor.User && device.DeviceId == actor.Device)
                {
                    continue;
                }

                server.Stats.Relayed();
                await server.Relay.EnqueueAsync(account, device.DeviceId, notification, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static Node Participants(string tag, IEnumerable<Jid> jids) =>
        new(tag, null, [.. jids.Select(j => new Node("participant", [("jid", j.ToString())]))]);
}
