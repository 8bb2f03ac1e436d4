using SessionCluster.Protocol.Binary;

namespace SessionCluster.Simulator.Connections;

/// <summary>
/// The server's own stanzas: iq results and errors, <c>&lt;failure&gt;</c>, <c>&lt;stream:error&gt;</c>. The server
/// signs everything <c>from="s.whatsapp.net"</c> (docs/PROTOCOL.md §5: the bare server JID).
/// </summary>
internal static class ServerStanzas
{
    public const string Server = "s.whatsapp.net";

    /// <summary><c>&lt;iq type="result" id from&gt;</c> answering <paramref name="request"/>, with optional children.</summary>
    public static Node IqResult(Node request, params Node[] children)
    {
        NodeAttribute[] attributes = [("from", Server), ("type", "result"), ("id", request.GetString("id"))];
        return children.Length == 0 ? new Node("iq", attributes) : new Node("iq", attributes, children);
    }

    /// <summary><c>&lt;iq type="error" id from&gt;&lt;error code text/&gt;&lt;/iq&gt;</c> (WM sendPairError shape).</summary>
    public static Node IqError(string id, IqErrorCode error) => new(
        "iq",
        [("from", Server), ("type", "error"), ("id", id)],
        [Error(error)]);

    /// <summary><c>&lt;error code text/&gt;</c>: an iq error's child, and a <c>&lt;user&gt;</c>'s in a partly failed bundle fetch.</summary>
    public static Node Error(IqErrorCode error) =>
        new("error", [("code", error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("text", error.Text)]);

    /// <summary><c>&lt;failure reason="N"/&gt;</c>, the login-refused answer to a ClientFinish (docs/PROTOCOL.md §3).</summary>
    public static Node Failure(int reason) =>
        new("failure", [("reason", reason.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    /// <summary><c>&lt;stream:error code="N"/&gt;</c> (515 = restart required after pairing).</summary>
    public static Node StreamError(int code) =>
        new("stream:error", [("code", code.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    /// <summary><c>&lt;stream:error&gt;&lt;conflict type="replaced"/&gt;&lt;/stream:error&gt;</c>: a newer connection took this device's place.</summary>
    public static Node Replaced() => new("stream:error", null, [new Node("conflict", [("type", "replaced")])]);

    /// <summary><c>&lt;stream:error code="401"&gt;&lt;conflict type="device_removed"/&gt;&lt;/stream:error&gt;</c> (docs/PROTOCOL.md §3: logged out).</summary>
    public static Node DeviceRemoved() =>
        new("stream:error", [("code", "401")], [new Node("conflict", [("type", "device_removed")])]);

    /// <summary>
    /// <c>&lt;stream:error&gt;&lt;xml-not-well-formed/&gt;&lt;/stream:error&gt;</c>: the client sent bytes that are not a
    /// stanza. The condition is XMPP's and is in WhatsApp's token dictionary; clients report this stream error
    /// when they send malformed addresses (uncertain: not seen in WM/BL code).
    /// </summary>
    public static Node NotWellFormed() => new("stream:error", null, [new Node("xml-not-well-formed")]);
}

/// <summary>An iq error's code and text, as WhatsApp writes them (XMPP-style texts).</summary>
internal readonly record struct IqErrorCode(int Code, string Text)
{
    public static IqErrorCode BadRequest => new(400, "bad-request");

    public static IqErrorCode NotAuthorized => new(401, "not-authorized");

    public static IqErrorCode NotAcceptable => new(406, "not-acceptable");

    public static IqErrorCode ItemNotFound => new(404, "item-not-found");

    public static IqErrorCode InternalServerError => new(500, "internal-server-error");

    public static IqErrorCode FeatureNotImplemented => new(501, "feature-not-implemented");
}
