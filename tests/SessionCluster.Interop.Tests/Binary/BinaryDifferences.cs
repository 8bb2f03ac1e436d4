using System.Globalization;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Interop.Tests.Binary;

/// <summary>
/// Every way our encoder's bytes may legitimately differ from Baileys' (docs/BINARY-INTEROP.md has the
/// table). All but one come from Baileys treating any string with '@' as a JID and writing parts of
/// it into forms that cannot hold them; we write such strings raw, or in the JID form that can hold
/// them (FB_JID, INTEROP_JID), as whatsmeow does.
/// </summary>
public enum BinaryDifference
{
    /// <summary>
    /// The server is not a WhatsApp server (<c>a@example.com</c>, <c>a@</c>, <c>a@b@c</c>). Baileys writes a
    /// JID form anyway (mangled when a device is present; for <c>a@</c> its own decoder rejects the bytes); we write raw.
    /// </summary>
    UnknownServer,

    /// <summary>
    /// A known server but a local part outside the JID grammar: non-numeric, empty, signed or zero-padded
    /// device or agent, a second ':', a device over 65535, a device without a user. Baileys coerces the
    /// parts (<c>+"abc"</c> is NaN, written as device 0); we write raw.
    /// </summary>
    MalformedJid,

    /// <summary>A device in 256..65535 on an AD_JID server: AD_JID holds one byte and Baileys truncates it; we write raw.</summary>
    DeviceAbove255,

    /// <summary><c>user_agent@server</c> without a device: Baileys writes JID_PAIR of the user and drops the agent; we write raw.</summary>
    AgentWithoutDevice,

    /// <summary>
    /// An agent that is also a domain byte (1 = lid, 128 = hosted, 129 = hosted.lid) on s.whatsapp.net, or
    /// any agent on lid/hosted/hosted.lid: in AD_JID it would read back as another server or be dropped; we write raw.
    /// </summary>
    AgentCollidesWithDomain,

    /// <summary>
    /// A device on a server AD_JID cannot name (g.us, broadcast, newsletter, c.us, call, bot; msgr with an agent):
    /// Baileys writes AD_JID, which reads back as <c>@s.whatsapp.net</c>; we write raw.
    /// </summary>
    DeviceOnNonAdServer,

    /// <summary><c>user:device@msgr</c>: Baileys writes AD_JID (reads back as s.whatsapp.net); we write FB_JID as whatsmeow does.</summary>
    MessengerJid,

    /// <summary><c>integrator-user:device@interop</c>: Baileys writes AD_JID of "integrator-user"; we write INTEROP_JID as whatsmeow does.</summary>
    InteropJid,

    /// <summary>
    /// A name Object.prototype has (<c>constructor</c>, <c>toString</c>, <c>__proto__</c>, …): Baileys' token
    /// lookup <c>TOKEN_MAP[str]</c> finds the inherited member and writes byte 0x00, which reads back as "";
    /// we write raw.
    /// </summary>
    PrototypeName,
}

/// <summary>Names the documented reason a string is encoded differently, from the string alone.</summary>
public static class BinaryDifferences
{
    /// <summary>The servers our encoder knows (docs/PROTOCOL.md §5); any other server is <see cref="BinaryDifference.UnknownServer"/>.</summary>
    private static readonly HashSet<string> KnownServers =
    [
        "s.whatsapp.net", "g.us", "broadcast", "lid", "newsletter", "c.us", "call", "hosted", "hosted.lid", "msgr", "interop", "bot",
    ];

    private static readonly HashSet<string> AdServers = ["s.whatsapp.net", "lid", "hosted", "hosted.lid"];

    /// <summary>The members of a plain JavaScript object, which Baileys' <c>TOKEN_MAP[str]</c> finds for every string.</summary>
    public static IReadOnlySet<string> ObjectPrototypeNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "constructor", "__proto__", "toString", "toLocaleString", "valueOf", "hasOwnProperty", "isPrototypeOf",
        "propertyIsEnumerable", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
    };

    /// <summary>
    /// Why our encoding of <paramref name="value"/> (in any string position) may differ from Baileys', or
    /// null when it must be byte-identical.
    /// </summary>
    public static BinaryDifference? Classify(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (ObjectPrototypeNames.Contains(value))
        {
            return BinaryDifference.PrototypeName;
        }

        // Tokens, nibble and hex strings never contain '@', and Baileys checks those first.
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var server = value[(at + 1)..];
        var local = value[..at];
        if (!KnownServers.Contains(server))
        {
            return BinaryDifference.UnknownServer;
        }

        if (server == "interop")
        {
            return IsInteropLocal(local) ? BinaryDifference.InteropJid : BinaryDifference.MalformedJid;
        }

        if (!TrySplitLocal(local, out var user, out var agent, out var device))
        {
            return BinaryDifference.MalformedJid;
        }

        if (device is null)
        {
            return agent is null ? null : BinaryDifference.AgentWithoutDevice;
        }

        if (server == "msgr" && agent is null)
        {
            return BinaryDifference.MessengerJid;
        }

        if (!AdServers.Contains(server))
        {
            return BinaryDifference.DeviceOnNonAdServer;
        }

        if (agent is not null && (server != "s.whatsapp.net" || agent is 1 or 128 or 129))
        {
            return BinaryDifference.AgentCollidesWithDomain;
        }

        return device > 255 ? BinaryDifference.DeviceAbove255 : null;
    }

    /// <summary>
    /// True when the same bytes are read differently: an AD_JID whose domain byte is an agent
    /// (<c>user_5:2@s.whatsapp.net</c>). Both encoders write AD_JID(5, 2, user); Baileys' decoder drops the
    /// agent (<c>user:2@s.whatsapp.net</c>), ours keeps it, as whatsmeow does.
    /// </summary>
    public static bool IsAgentDroppedByBaileysDecoder(string value) =>
        value.EndsWith("@s.whatsapp.net", StringComparison.Ordinal)
        && Classify(value) is null
        && TrySplitLocal(value[..value.IndexOf('@', StringComparison.Ordinal)], out _, out var agent, out var device)
        && agent is not null && device is not null;

    /// <summary>Every string of a node: tag, attribute keys and values, and text content, recursively.</summary>
    public static IEnumerable<string> Strings(Node node)
    {
        yield return node.Tag;
        foreach (var (key, value) in node.Attributes)
        {
            yield return key;
            yield return value;
        }

        if (node.ContentKind == NodeContentKind.Text)
        {
            yield return node.Text!;
        }

        foreach (var child in node.Children)
        {
            foreach (var text in Strings(child))
            {
                yield return text;
            }
        }
    }

    /// <summary>
    /// Splits <c>user[_agent][:device]</c> the strict way: decimal numbers without sign or leading zero,
    /// agent 1..255, device 0..65535, no agent or device without a user, no further ':' or '_'.
    /// </summary>
    private static bool TrySplitLocal(string local, out string user, out int? agent, out int? device)
    {
        user = local;
        agent = null;
        device = null;
        var colon = local.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            if (!TryNumber(local[(colon + 1)..], 65_535, out var d))
            {
                return false;
            }

            device = d;
            user = local[..colon];
        }

        var underscore = user.IndexOf('_', StringComparison.Ordinal);
        if (underscore >= 0)
        {
            if (!TryNumber(user[(underscore + 1)..], 255, out var a) || a == 0)
            {
                return false;
            }

            agent = a;
            user = user[..underscore];
        }

        return user.Length > 0 || (agent is null && device is null);
    }

    private static bool IsInteropLocal(string local)
    {
        var dash = local.IndexOf('-', StringComparison.Ordinal);
        var colon = local.IndexOf(':', StringComparison.Ordinal);
        if (dash < 0 || colon < dash)
        {
            return false;
        }

        var user = local[(dash + 1)..colon];
        return TryNumber(local[..dash], 65_535, out _)
            && TryNumber(local[(colon + 1)..], 65_535, out _)
            && user.Length > 0 && !user.Contains('_', StringComparison.Ordinal) && !user.Contains(':', StringComparison.Ordinal);
    }

    private static bool TryNumber(string digits, int max, out int value)
    {
        value = 0;
        return digits.Length is > 0 and <= 5
            && (digits.Length == 1 || digits[0] != '0')
            && digits.All(char.IsAsciiDigit)
            && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value)
            && value <= max;
    }
}
