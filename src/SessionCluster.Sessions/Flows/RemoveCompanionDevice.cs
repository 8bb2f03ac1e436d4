using SessionCluster.Protocol.Binary;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// A companion logging itself out (docs/PROTOCOL.md §13; whatsmeow's Logout and Baileys' logout send the same):
/// <c>&lt;iq xmlns="md" type="set" to="s.whatsapp.net" id&gt;&lt;remove-companion-device jid="{own device JID}"
/// reason="user_initiated"/&gt;&lt;/iq&gt;</c>, answered by an iq result (or error) with the same id (matched by the session's pending iqs). Pure.
/// </summary>
internal static class RemoveCompanionDevice
{
    /// <summary>The request; <paramref name="deviceJid"/> is this companion's own device JID.</summary>
    public static Node Request(string id, string deviceJid) => new(
        "iq",
        [("id", id), ("xmlns", "md"), ("type", "set"), ("to", "s.whatsapp.net")],
        [new Node("remove-companion-device", [("jid", deviceJid), ("reason", "user_initiated")])]);
}
