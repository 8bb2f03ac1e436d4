using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator.Relay;

/// <summary>
/// Device 0 of every account is the phone the simulator plays, not a WebSocket connection. The relay hands it
/// what it would write to a connection, and asks it what the server holds for it (its identity and prekeys).
/// </summary>
internal interface IPrimaryDevices
{
    /// <summary>
    /// A stanza for device 0 of <paramref name="account"/> (<c>&lt;message&gt;</c>, <c>&lt;receipt&gt;</c>,
    /// <c>&lt;notification&gt;</c>…), exactly as a connection would receive it. Completing counts as the device's
    /// <c>&lt;ack&gt;</c>: the relay may drop the stanza from the offline queue.
    /// </summary>
    ValueTask DeliverAsync(Account account, Node stanza, CancellationToken cancellationToken);

    /// <summary>
    /// The phone's prekey bundle as the server answers a bundle fetch for device 0 (<c>&lt;user&gt;</c> with registration,
    /// type, identity, skey and, while any is left, one one-time <c>&lt;key&gt;</c>, which this call consumes).
    /// </summary>
    Node TakeBundle(Account account, Jid deviceJid);
}

/// <summary>The relay as the phone uses it: the same paths a connected device's stanzas take.</summary>
internal interface IStanzaRelay
{
    /// <summary>
    /// Relays a <c>&lt;message&gt;</c> as if device <paramref name="fromDevice"/> of <paramref name="sender"/> had sent it on
    /// its connection (fan-out, offline queues, stats) and returns the server's <c>&lt;ack class="message"&gt;</c>.
    /// </summary>
    ValueTask<Node> SendMessageAsync(Account sender, int fromDevice, Node message, CancellationToken cancellationToken);

    /// <summary>Routes a <c>&lt;receipt&gt;</c> (delivery, read, retry) from that device to the original sender, as for a connection.</summary>
    ValueTask SendReceiptAsync(Account sender, int fromDevice, Node receipt, CancellationToken cancellationToken);

    /// <summary>
    /// Queues a server <c>&lt;notification&gt;</c> for device <paramref name="device"/> of <paramref name="account"/> (a media retry
    /// answer, docs/PROTOCOL.md §12), as the server would write it to that device's connection.
    /// </summary>
    ValueTask SendNotificationAsync(Account account, int device, Node notification, CancellationToken cancellationToken);
}
