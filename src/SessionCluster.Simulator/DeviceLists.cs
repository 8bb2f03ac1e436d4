using System.Collections.Concurrent;
using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Connections;
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

/// <summary>
/// <c>&lt;iq xmlns="usync" type="get"&gt;&lt;usync sid mode context&gt;&lt;query&gt;protocols&lt;/query&gt;&lt;list&gt;&lt;user jid|&lt;contact&gt;/&gt;…&lt;/list&gt;&lt;/usync&gt;&lt;/iq&gt;</c>
/// (docs/PROTOCOL.md §8, Baileys WAUSync): each user gets the requested protocols it is known for — <c>devices</c>, <c>lid</c>,
/// <c>contact</c> (<c>type="in"</c> when the number has an account, <c>"out"</c> otherwise), <c>status</c> (empty),
/// <c>disappearing_mode</c> (off); protocols the simulator has nothing for are left out of the user, and a JID with no
/// account gets an empty <c>&lt;user jid/&gt;</c> (so a sender finds no devices for it).
/// </summary>
internal sealed class Usync(AccountDirectory accounts, DeviceLists deviceLists)
{
    public ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        var usync = IqRouter.RequireChild(iq, "usync");
        var protocols = IqRouter.RequireChild(usync, "query").Children.Select(p => p.Tag).ToArray();
        var users = IqRouter.RequireChild(usync, "list").GetChildren("user").ToArray();
        var answers = new List<Node>(users.Length);
        foreach (var user in users)
        {
            var jid = user.GetOptionalJid("jid");
            var contact = user.GetOptionalChild("contact");
            Account? account;
            if (jid is { } known)
            {
                account = accounts.Find(known);
            }
            else if (contact is { ContentKind: NodeContentKind.Text or NodeContentKind.Bytes })
            {
                var phone = new string((contact.Text ?? System.Text.Encoding.UTF8.GetString(contact.Bytes.Span)).Where(char.IsAsciiDigit).ToArray());
                account = accounts.Find(phone);
                jid = new Jid(phone, JidServer.WhatsApp);
            }
            else
            {
                throw new IqRequestException(IqErrorCode.BadRequest, "A usync <user> needs a jid or a <contact>.");
            }

            var children = new List<Node>();
            foreach (var protocol in protocols)
            {
                if (protocol == "contact")
                {
                    children.Add(new Node("contact", [("type", account is null ? "out" : "in")]));
                }
                else if (account is null)
                {
                    continue;
                }
                else if (protocol == "devices")
                {
                    children.Add(deviceLists.DevicesNode(account));
                }
                else if (protocol == "lid")
                {
                    children.Add(new Node("lid", [("val", account.Lid.ToString())]));
                }
                else if (protocol == "status")
                {
                    children.Add(new Node("status", [("t", account.CreatedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))]));
                }
                else if (protocol == "disappearing_mode")
                {
                    children.Add(new Node("disappearing_mode", [("duration", "0"), ("t", "0")]));
                }
            }

            answers.Add(children.Count == 0
                ? new Node("user", [("jid", jid.Value.ToString())])
                : new Node("user", [("jid", jid.Value.ToString())], children));
        }

        List<NodeAttribute> attributes = [];
        foreach (var key in new[] { "sid", "mode", "context", "index", "last" })
        {
            if (usync.GetOptionalString(key) is { } value)
            {
                attributes.Add((key, value));
            }
        }

        return ValueTask.FromResult<Node?>(ServerStanzas.IqResult(iq, new Node("usync", attributes, [new Node("list", null, answers)])));
    }
}
