using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;
using SessionCluster.Simulator.Phone;
using SessionCluster.Simulator.Relay;

namespace SessionCluster.Simulator.Tests.Phone;

/// <summary>
/// A stand-in relay for phone tests: every <c>&lt;to&gt;</c> of a sent message becomes the stanza that device would receive
/// (<c>from</c> = sending device, <c>recipient</c> for the sender's own devices); phones get theirs at once, companions' are
/// kept for the test to read. Receipts are recorded.
/// </summary>
internal sealed class LoopbackRelay : IStanzaRelay
{
    private readonly List<(Jid Device, Node Stanza)> _toCompanions = [];
    private readonly List<(string From, Node Receipt)> _receipts = [];

    public PhoneDirectory? Phones { get; set; }

    public AccountDirectory? Accounts { get; set; }

    public List<Node> Sent { get; } = [];

    public IReadOnlyList<(string From, Node Receipt)> Receipts
    {
        get
        {
            lock (_receipts)
            {
                return [.. _receipts];
            }
        }
    }

    public IReadOnlyList<Node> StanzasFor(Jid device)
    {
        lock (_toCompanions)
        {
            return [.. _toCompanions.Where(s => s.Device == device).Select(s => s.Stanza)];
        }
    }

    public async ValueTask<Node> SendMessageAsync(Account sender, int fromDevice, Node message, CancellationToken cancellationToken)
    {
        lock (Sent)
        {
            Sent.Add(message);
        }

        var id = message.GetString("id");
        var to = message.GetJid("to");
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        // A retry resend carries its <enc> directly, for the device in `to`.
        var targets = message.GetOptionalChild("participants") is { } participants
            ? participants.GetChildren("to").Select(p => (Device: p.GetJid("jid"), Enc: p.GetChild("enc")))
            : [(Device: to, Enc: message.GetChild("enc"))];
        foreach (var (device, enc) in targets)
        {
            List<NodeAttribute> attributes = to.IsGroup
                ? [("from", to.ToString()), ("id", id), ("participant", sender.DeviceJid(fromDevice).ToString()), ("t", t), ("type", message.GetString("type"))]
                : [("from", sender.DeviceJid(fromDevice).ToString()), ("id", id), ("t", t), ("type", message.GetString("type"))];
            if (!to.IsGroup && device.User == sender.Phone && to.User != sender.Phone)
            {
                attributes.Add(("recipient", to.ToString()));
            }

            // A group message: each device gets its pairwise part and the one skmsg.
            Node[] content = to.IsGroup ? [enc, message.GetChildren("enc").Single()] : [enc];
            var delivered = new Node("message", attributes, content);
            if (device.Device == 0)
            {
                await Phones!.DeliverAsync(Accounts!.Find(device.User)!, delivered, cancellationToken);
            }
            else
            {
                lock (_toCompanions)
                {
                    _toCompanions.Add((device, delivered));
                }
            }
        }

        return new Node("ack", [("class", "message"), ("id", id), ("t", t)]);
    }

    /// <summary>Notifications the phones queued for a device (media retry answers).</summary>
    public List<(Account Account, int Device, Node Notification)> Notifications { get; } = [];

    public ValueTask SendNotificationAsync(Account account, int device, Node notification, CancellationToken cancellationToken)
    {
        lock (Notifications)
        {
            Notifications.Add((account, device, notification));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask SendReceiptAsync(Account sender, int fromDevice, Node receipt, CancellationToken cancellationToken)
    {
        lock (_receipts)
        {
            _receipts.Add((sender.DeviceJid(fromDevice).ToString(), receipt));
        }

        return ValueTask.CompletedTask;
    }
}
