using System.Globalization;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Protocol.Stanzas;

/// <summary>
/// <c>&lt;stream:error&gt;</c>, the stanza that ends a connection (docs/PROTOCOL.md §3): the ones the server sends and
/// the codes a client acts on.
/// </summary>
public static class StreamErrors
{
    /// <summary>Restart required: the client reconnects at once (the normal step after pairing).</summary>
    public const int RestartRequired = 515;

    /// <summary>Logged out: the client drops its credentials.</summary>
    public const int LoggedOut = 401;

    /// <summary><c>&lt;stream:error code="N"/&gt;</c>.</summary>
    public static Node WithCode(int code) =>
        new("stream:error", [("code", code.ToString(CultureInfo.InvariantCulture))]);

    /// <summary><c>&lt;stream:error&gt;&lt;conflict type="replaced"/&gt;&lt;/stream:error&gt;</c>: a newer connection took this device's place.</summary>
    public static Node Replaced() => new("stream:error", null, [new Node("conflict", [("type", "replaced")])]);

    /// <summary><c>&lt;stream:error code="401"&gt;&lt;conflict type="device_removed"/&gt;&lt;/stream:error&gt;</c>: the device was unlinked.</summary>
    public static Node DeviceRemoved() =>
        new("stream:error", [("code", LoggedOut.ToString(CultureInfo.InvariantCulture))], [new Node("conflict", [("type", "device_removed")])]);

    /// <summary>
    /// <c>&lt;stream:error&gt;&lt;xml-not-well-formed/&gt;&lt;/stream:error&gt;</c>: the peer sent bytes that are not a
    /// stanza. The condition is XMPP's and is in WhatsApp's token dictionary (uncertain: not seen in WM/BL code).
    /// </summary>
    public static Node NotWellFormed() => new("stream:error", null, [new Node("xml-not-well-formed")]);
}
