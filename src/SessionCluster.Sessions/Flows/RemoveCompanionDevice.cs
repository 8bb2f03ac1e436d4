using SessionCluster.Protocol.Binary;

namespace SessionCluster.Sessions.Flows;

/// <summary>
/// A companion logging itself out (docs/PROTOCOL.md §13; whatsmeow's Logout and Baileys' logout send the same):
/// <c>&lt;iq xmlns="md" type="set" to="s.whatsapp.net" id&gt;&lt;remove-companion-device jid="{own device JID}"
/// reason="user_initiated"/&gt;&lt;/iq&gt;</c>, answered by an iq result (or error) with the same id. Pure.
/// </summary>
internal static class RemoveCompanionDevice
{
    /// <summary>The request; <paramref name="deviceJid"/> is this companion's own device JID.</summary>
    public static Node Request(string id, string deviceJid) => new(
        "iq",
        [("id", id), ("xmlns", "md"), ("type", "set"), ("to", "s.whatsapp.net")],
        [new Node("remove-companion-device", [("jid", deviceJid), ("reason", "user_initiated")])]);

    /// <summary>A new iq id for the request (unique per connection is what the server needs).</summary>
    public static string NewId() => "rcd." + Guid.NewGuid().ToString("N");

    /// <summary>The server's answer to the request <paramref name="id"/>: "result", "error" (with its code), or null when <paramref name="node"/> is something else.</summary>
    public static string? Answer(Node node, string id)
    {
        if (node.Tag != "iq" || node.GetOptionalString("id") != id)
        {
            return null;
        }

        var type = node.GetOptionalString("type") ?? "unknown";
        var code = node.Children.FirstOrDefault(c => c.Tag == "error")?.GetOptionalString("code");
        return code is null ? type : $"{type} {code}";
    }
}
