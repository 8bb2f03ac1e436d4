using SessionCluster.Protocol.Binary;

namespace SessionCluster.Simulator.Tests.Support;

/// <summary>
/// Sender-key sends as a client writes them (a group's or status@broadcast's): per-device <c>&lt;to&gt;</c> encs in
/// <c>&lt;participants&gt;</c>, one skmsg and a device identity, with placeholder ciphertexts the relay never opens;
/// and the acks the server answers them (and receipts) with.
/// </summary>
internal static class SenderKeyStanzas
{
    public static string LidDevice(SimulatorHost host, string phone, int device) => host.Server.Accounts.Find(phone)!.DeviceLid(device).ToString();

    public static Node To(string jid, string type) => new("to", [("jid", jid)], [new Node("enc", [("v", "2"), ("type", type)], new byte[] { 1, 2, 3 })]);

    public static Node Message(string chat, string id, params Node[] to) => new(
        "message",
        [("to", chat), ("id", id), ("type", "text")],
        [
            .. to.Length == 0 ? Array.Empty<Node>() : new[] { new Node("participants", null, to) },
            new Node("enc", [("v", "2"), ("type", "skmsg")], new byte[] { 4, 5, 6 }),
            new Node("device-identity", null, new byte[] { 7 }),
        ]);

    public static async Task SendReceiptAsync(TestConnection connection, Node receipt)
    {
        await connection.SendAsync(receipt);
        var id = receipt.GetString("id");
        await connection.ReceiveUntilAsync(n => n.Tag == "ack" && n.GetOptionalString("class") == "receipt" && n.GetOptionalString("id") == id);
    }

    /// <summary>Sends the message and answers the server's ack of it.</summary>
    public static async Task<Node> SendAsync(TestConnection connection, Node message)
    {
        await connection.SendAsync(message);
        var id = message.GetString("id");
        return await connection.ReceiveUntilAsync(n => n.Tag == "ack" && n.GetOptionalString("id") == id);
    }
}
