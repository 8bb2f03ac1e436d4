using SessionCluster.Protocol.Binary;

namespace SessionCluster.Simulator.Stanzas;

/// <summary>
/// The server's <c>&lt;ack class="message" id from t [error]&gt;</c> answering a client's <c>&lt;message&gt;</c>
/// (docs/PROTOCOL.md §9): <c>from</c> is the chat the message was addressed to, <c>t</c> the server's unix time, and
/// <c>error</c> (a code as text) present only when the message was refused and nothing was delivered.
/// </summary>
internal static class MessageAcks
{
    /// <summary>The message was taken: every copy is queued.</summary>
    public static Node Accepted(string id, Jid chat, string t) =>
        new("ack", [("class", "message"), ("id", id), ("from", chat.ToString()), ("t", t)]);

    /// <summary>The message was refused with <paramref name="error"/>; nothing was queued.</summary>
    public static Node Refused(string id, Jid chat, string t, string error) =>
        new("ack", [("class", "message"), ("id", id), ("from", chat.ToString()), ("t", t), ("error", error)]);
}
