using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;

namespace SessionCluster.Simulator.Connections;

/// <summary>
/// The server's own stanzas: iq results and errors, <c>&lt;failure&gt;</c>. The server signs everything
/// <c>from="s.whatsapp.net"</c> (docs/PROTOCOL.md §5: the bare server JID). The vocabulary both sides share (iq error
/// codes, stream errors, prekey ids) is in <c>SessionCluster.Protocol.Stanzas</c>.
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
    public static Node Error(IqErrorCode error) => error.ToNode();

    /// <summary><c>&lt;failure reason="N"/&gt;</c>, the login-refused answer to a ClientFinish (docs/PROTOCOL.md §3).</summary>
    public static Node Failure(int reason) =>
        new("failure", [("reason", reason.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
}
