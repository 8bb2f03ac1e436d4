using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;
using SessionCluster.Simulator.Relay;

namespace SessionCluster.Simulator;

/// <summary>
/// Prekey bundle fetch (docs/PROTOCOL.md §7): <c>&lt;iq xmlns="encrypt" type="get"&gt;&lt;key&gt;&lt;user jid [reason]/&gt;…&lt;/key&gt;&lt;/iq&gt;</c>
/// → <c>&lt;list&gt;&lt;user jid&gt;registration, type, identity, skey[, key]&lt;/user&gt;…&lt;/list&gt;</c>. Each fetch consumes one
/// one-time prekey of the device (lowest id first); without any left the bundle has no <c>&lt;key&gt;</c>. Device 0's
/// bundle comes from the phone (<see cref="IPrimaryDevices.TakeBundle"/>). A one-time key is served at most
/// once, ever, also under concurrent fetches: the take is atomic (<see cref="DevicePreKeys"/>) and is persisted
/// before the answer goes out.
/// </summary>
/// <remarks>
/// A device the server does not know gets <c>&lt;user jid&gt;&lt;error code="404" text="item-not-found"/&gt;&lt;/user&gt;</c>
/// in the list (WM nodeToPreKeyBundle reads an <c>&lt;error&gt;</c> child per user; the code is the simulator's choice;
/// Baileys fails the whole fetch on it, so it only ever asks for devices usync listed). When a companion's one-time
/// keys drop below <see cref="LowWatermark"/>, it is sent <c>&lt;notification type="encrypt"&gt;&lt;count value/&gt;</c>
/// once per drop (again only after its count was back at or above the mark), decided in the same atomic step as the take.
/// </remarks>
/// <param name="primaryDevices">Device 0 of every account, read on each fetch: tests may replace the phones.</param>
internal sealed class PreKeyBundles(
    AccountDirectory accounts,
    DeviceQueues queues,
    SimulatorStats stats,
    TimeProvider clock,
    Func<IPrimaryDevices?> primaryDevices)
{
    /// <summary>Below this many one-time prekeys the device is told to upload more (WM/BL MinPreKeyCount = 5).</summary>
    public const int LowWatermark = 5;

    private long _notificationIds;

    public async ValueTask<Node?> FetchAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        var users = IqRouter.RequireChild(iq, "key").GetChildren("user").ToArray();
        if (users.Length == 0)
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "<key> names no <user jid>.");
        }

        var answers = new List<Node>(users.Length);
        foreach (var user in users)
        {
            var jid = user.GetOptionalJid("jid") ?? throw new IqRequestException(IqErrorCode.BadRequest, "<user> needs a jid.");
            answers.Add(await BundleAsync(jid, cancellationToken).ConfigureAwait(false));
        }

        // Persist before replying: a key in this answer must not be back in accounts.json after a restart.
        await accounts.SaveAsync(cancellationToken).ConfigureAwait(false);
        return ServerStanzas.IqResult(iq, new Node("list", null, answers));
    }

    private async ValueTask<Node> BundleAsync(Jid jid, CancellationToken cancellationToken)
    {
        var account = accounts.Find(jid);
        if (account is not null && jid.Device == 0 && primaryDevices() is { } phones)
        {
            stats.BundleServed();
            return phones.TakeBundle(account, jid);
        }

        var device = account?.FindDevice(jid.Device);
        if (account is null || device is null)
        {
            return new Node("user", [("jid", jid.ToString())], [ServerStanzas.Error(IqErrorCode.ItemNotFound)]);
        }

        var taken = device.PreKeys.Take(LowWatermark);
        var bundle = device.Bundle(taken.Key);

        stats.BundleServed();
        if (taken.NotifyLow)
        {
            await NotifyLowAsync(account, device, taken.Remaining, cancellationToken).ConfigureAwait(false);
        }

        return PreKeyBundleNode.Build(jid, bundle);
    }

    private async ValueTask NotifyLowAsync(Account account, CompanionDevice device, int count, CancellationToken cancellationToken)
    {
        var notification = new Node(
            "notification",
            [
                ("from", ServerStanzas.Server),
                ("type", "encrypt"),
                ("id", "enc." + Interlocked.Increment(ref _notificationIds).ToString(CultureInfo.InvariantCulture)),
                ("t", clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            ],
            [new Node("count", [("value", count.ToString(CultureInfo.InvariantCulture))])]);
        await queues.EnqueueAsync(account, device.DeviceId, notification, cancellationToken).ConfigureAwait(false);
    }
}
