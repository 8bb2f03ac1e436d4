using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Relay;

namespace SessionCluster.Simulator.Groups;

/// <summary>
/// <c>&lt;notification from=GROUP type="w:gp2" id t participant=ACTOR_LID participant_pn=ACTOR_PN&gt;&lt;create|add|remove|leave&gt;…&lt;/notification&gt;</c>
/// (Baileys messages-recv.js handleGroupNotification: <c>create</c> carries the <c>&lt;group&gt;</c>, the others the
/// <c>&lt;participant jid/&gt;</c>s), queued by the relay to every companion of every member (and of those removed), except
/// the acting device, which has its iq answer. Like other notifications they wait in the offline queue until acked.
/// The phones (device 0) are not told: the phone the simulator plays reads the members from the group directory itself.
/// </summary>
internal sealed class GroupNotifications(AccountDirectory accounts, DeviceQueues queues, SimulatorStats stats, TimeProvider clock)
{
    private long _notificationIds;

    public async Task SendAsync(Group group, Jid actor, Node change, IEnumerable<Jid> alsoTell, CancellationToken cancellationToken)
    {
        var notification = new Node(
            "notification",
            [
                ("from", group.Jid.ToString()),
                ("type", "w:gp2"),
                ("id", "gp2." + Interlocked.Increment(ref _notificationIds).ToString(CultureInfo.InvariantCulture)),
                ("t", clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
                .. Actor(actor),
            ],
            [change]);
        var users = group.Participants.Select(p => p.Jid).Concat(alsoTell).Distinct();
        foreach (var user in users)
        {
            if (accounts.Find(user) is not { } account)
            {
                continue;
            }

            foreach (var device in account.Devices)
            {
                if (account.Phone == actor.User && device.DeviceId == actor.Device)
                {
                    continue;
                }

                stats.Relayed();
                await queues.EnqueueAsync(account, device.DeviceId, notification, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// <c>&lt;TAG&gt;&lt;participant jid=LID phone_number=PN/&gt;…&lt;/TAG&gt;</c>: the group is in LID addressing mode (Baileys
    /// handleGroupNotification reads <c>jid</c> as the LID and <c>phone_number</c> beside it); a JID without an account is
    /// left as it is.
    /// </summary>
    public static Node Participants(string tag, IEnumerable<Jid> jids, AccountDirectory accounts) =>
        new(tag, null, [.. jids.Select(j => new Node("participant", accounts.Find(j) is { } account
            ? [("jid", account.Lid.ToString()), ("phone_number", account.Jid.ToString())]
            : [("jid", j.ToString())]))]);

    /// <summary>The acting user: <c>participant=LID participant_pn=PN</c> (no device), or its JID as given without an account.</summary>
    private NodeAttribute[] Actor(Jid actor) =>
        accounts.Find(actor) is { } account
            ? [("participant", account.Lid.ToString()), ("participant_pn", account.Jid.ToString())]
            : [("participant", new Jid(actor.User, actor.Server).ToString())];
}
