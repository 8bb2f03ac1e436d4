using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Stanzas;

namespace SessionCluster.Sessions.Flows;

/// <summary>A user's devices and LID as a usync answer lists them.</summary>
public sealed record UserDevices(Jid User, IReadOnlyList<Jid> Devices, Jid? Lid);

/// <summary>
/// Finding the devices to encrypt for (docs/PROTOCOL.md §7, §8): the usync device query with the LID protocol, and the
/// prekey bundle fetch for devices without a session. Pure builders and readers.
/// </summary>
public static class DeviceDiscovery
{
    private const string Server = "s.whatsapp.net";

    /// <summary><c>&lt;usync mode="query" context="message"&gt;</c> asking devices v2 and lid for <paramref name="users"/>.</summary>
    public static Node DeviceQuery(string id, IEnumerable<Jid> users) =>
        new("iq", [("id", id), ("xmlns", "usync"), ("type", "get"), ("to", Server)],
        [
            new Node("usync", [("sid", id), ("mode", "query"), ("last", "true"), ("index", "0"), ("context", "message")],
            [
                new Node("query", null, [new Node("devices", [("version", "2")]), new Node("lid")]),
                new Node("list", null, users.Select(u => new Node("user", [("jid", u.ToNonAd().ToString())])).ToList()),
            ]),
        ]);

    /// <summary>
    /// The users a usync result lists, each with its devices (as device jids on the user's server) and LID. As Baileys
    /// does, a device other than 0 without a <c>key-index</c> is left out; hosted devices are left out too.
    /// </summary>
    /// <exception cref="FormatException">No <c>&lt;usync&gt;&lt;list&gt;</c>, or a user without a jid.</exception>
    public static IReadOnlyList<UserDevices> ReadDevices(Node result)
    {
        var list = result.GetOptionalChild("usync")?.GetOptionalChild("list") ?? throw new FormatException("The usync result has no <usync><list>.");
        var users = new List<UserDevices>();
        foreach (var user in list.GetChildren("user"))
        {
            var jid = user.GetOptionalJid("jid") ?? throw new FormatException("A usync <user> without jid.");
            var devices = new List<Jid>();
            foreach (var device in user.GetOptionalChild("devices")?.GetOptionalChild("device-list")?.GetChildren("device") ?? [])
            {
                if (device.GetOptionalInt("id") is not { } number || number is < 0 or > ushort.MaxValue
                    || (number != 0 && device.GetOptionalString("key-index") is null) || device.GetOptionalString("is_hosted") == "true")
                {
                    continue;
                }

                devices.Add(new Jid(jid.User, jid.Server, (ushort)number));
            }

            var lid = user.GetOptionalChild("lid")?.GetOptionalJid("val");
            users.Add(new UserDevices(jid.ToNonAd(), devices, lid is { IsLid: true } ? lid : null));
        }

        return users;
    }

    /// <summary><c>&lt;iq xmlns="encrypt" type="get"&gt;&lt;key&gt;&lt;user jid reason="identity"/&gt;…</c> (§7, as whatsmeow asks).</summary>
    public static Node BundleQuery(string id, IEnumerable<Jid> devices) =>
        new("iq", [("id", id), ("xmlns", "encrypt"), ("type", "get"), ("to", Server)],
        [
            new Node("key", null, devices.Select(d => new Node("user", [("jid", d.ToString()), ("reason", "identity")])).ToList()),
        ]);

    /// <summary>The bundles of a fetch result by device jid; a user with an <c>&lt;error&gt;</c> or an unreadable bundle is left out.</summary>
    public static IReadOnlyDictionary<Jid, PreKeyBundle> ReadBundles(Node result)
    {
        var bundles = new Dictionary<Jid, PreKeyBundle>();
        foreach (var user in result.GetOptionalChild("list")?.GetChildren("user") ?? [])
        {
            if (user.GetOptionalJid("jid") is not { } jid || user.GetOptionalChild("error") is not null)
            {
                continue;
            }

            try
            {
                bundles[jid] = PreKeyBundleNode.Parse(user.GetOptionalChild("keys") is { } keys ? new Node("user", user.Attributes, keys.Children) : user);
            }
            catch (FormatException)
            {
                // A bundle that does not read is a device we cannot start a session with; the send goes to the others.
                continue;
            }
        }

        return bundles;
    }
}
