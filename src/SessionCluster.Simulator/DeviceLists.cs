using System.Collections.Concurrent;
using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Relay;

namespace SessionCluster.Simulator;

/// <summary>
/// An account's device list as the server publishes it (docs/PROTOCOL.md §8): in usync
/// <c>&lt;devices&gt;&lt;device-list&gt;&lt;device id="0"/&gt;&lt;device id="N" key-index="K"/&gt;&lt;/device-list&gt;&lt;key-index-list ts&gt;signed&lt;/key-index-list&gt;&lt;/devices&gt;</c>,
/// and, when it changes, <c>&lt;notification from=PN lid=LID type="devices"&gt;&lt;add|remove&gt;&lt;device jid lid key-index/&gt;&lt;key-index-list ts/&gt;&lt;/…&gt;</c>.
/// </summary>
/// <remarks>
/// The key-index list is ADVSignedKeyIndexList signed with the account key (<see cref="KeyIndexList.Sign"/>):
/// validIndexes = the linked companions' key indexes, currentIndex = the latest key index issued, ts = the last
/// change of the list (in memory; after a restart the latest link time). The notification's <c>device_hash</c> is left
/// out (WM compares it, Baileys ignores it; its exact value on the real server is not in docs/PROTOCOL.md).
/// Notifications go to the account's own companions (queued like messages); other accounts learn changes by usync.
/// </remarks>
internal sealed class DeviceLists(DeviceQueues queues, SimulatorStats stats, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _changedAt = new(StringComparer.Ordinal);
    private long _notificationIds;

    /// <summary>The time the account's device list last changed.</summary>
    public DateTimeOffset ChangedAt(Account account)
    {
        var latestLink = account.Devices.Select(d => d.LinkedAt).DefaultIfEmpty(account.CreatedAt).Max();
        return _changedAt.TryGetValue(account.Phone, out var changed) && changed > latestLink ? changed : latestLink;
    }

    public SignedKeyIndexList SignKeyIndexList(Account account)
    {
        var devices = account.Devices;
        var current = Math.Max(account.Counters.KeyIndex - 1, devices.Select(d => d.KeyIndex).DefaultIfEmpty(0u).Max());
        return KeyIndexList.Sign(account.Identity, ChangedAt(account), current, devices.Select(d => d.KeyIndex));
    }

    /// <summary>The usync <c>&lt;devices&gt;</c> child for <paramref name="account"/>.</summary>
    public Node DevicesNode(Account account)
    {
        var devices = account.Devices;
        List<Node> list = [new Node("device", [("id", "0")]), .. devices.Select(d => new Node("device", [("id", Int(d.DeviceId)), ("key-index", Int(d.KeyIndex))]))];
        List<Node> children = [new Node("device-list", null, list)];
        if (devices.Count > 0)
        {
            var signed = SignKeyIndexList(account);
            children.Add(new Node("key-index-list", [("ts", signed.Timestamp.ToString(CultureInfo.InvariantCulture))], signed.Bytes));
        }

        return new Node("devices", null, children);
    }

    /// <summary>
    /// Records that <paramref name="device"/> was added to or removed from the list and tells the account's other
    /// companions with <c>&lt;notification from=user type="devices"&gt;&lt;add|remove&gt;…</c>.
    /// </summary>
    public async Task ChangedAsync(Account account, int deviceId, uint keyIndex, bool added, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        _changedAt.AddOrUpdate(account.Phone, now, (_, previous) => previous >= now ? previous.AddSeconds(1) : now);
        // Each device also by its LID, and the account's LID on the notification (WM handleDeviceNotification stores that pair).
        List<Node> content = [new Node("device", [("jid", account.DeviceJid(deviceId).ToString()), ("lid", account.DeviceLid(deviceId).ToString()), ("key-index", Int(keyIndex))])];
        if (account.Devices.Count > 0)
        {
            var signed = SignKeyIndexList(account);
            content.Add(new Node("key-index-list", [("ts", signed.Timestamp.ToString(CultureInfo.InvariantCulture))], signed.Bytes));
        }

        var notification = new Node(
            "notification",
            [
                ("from", account.Jid.ToString()),
                ("lid", account.Lid.ToString()),
                ("type", "devices"),
                ("id", "dev." + Interlocked.Increment(ref _notificationIds).ToString(CultureInfo.InvariantCulture)),
                ("t", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            ],
            [new Node(added ? "add" : "remove", null, content)]);
        foreach (var companion in account.Devices.Where(d => d.DeviceId != deviceId))
        {
            stats.Relayed();
            await queues.EnqueueAsync(account, companion.DeviceId, notification, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
}
