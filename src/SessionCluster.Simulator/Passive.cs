using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Connections;
using SessionCluster.Simulator.Relay;

namespace SessionCluster.Simulator;

/// <summary>
/// <c>&lt;iq xmlns="passive" type="set"&gt;&lt;active/&gt;|&lt;passive/&gt;&lt;/iq&gt;</c>. A login says <c>passive=true</c>,
/// so the server holds offline delivery until the client turns active; then it delivers the queue and says
/// <c>&lt;ib&gt;&lt;offline count="N"/&gt;&lt;/ib&gt;</c>, N the stanzas delivered from the device's offline queue.
/// </summary>
internal sealed class Passive(DeviceQueues queues)
{
    public async ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        if (iq.GetString("type") != "set")
        {
            throw new IqRequestException(IqErrorCode.BadRequest, "passive is an iq set.");
        }

        var mode = IqRouter.FirstChild(iq);
        if (mode is not ("active" or "passive"))
        {
            throw new IqRequestException(IqErrorCode.BadRequest, $"passive takes <active/> or <passive/>, not <{mode}>.");
        }

        if (!await connection.SendAsync(ServerStanzas.IqResult(iq), cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        if (mode == "active" && !connection.OfflineDelivered)
        {
            connection.OfflineDelivered = true;
            // The router serves passive only after login.
            var device = connection.LoggedIn!;
            var delivered = await queues.DeliverOfflineAsync(device.Account, device.Device.DeviceId, connection, cancellationToken).ConfigureAwait(false);
            await connection.SendAsync(InfoBroadcast.Offline(delivered), cancellationToken).ConfigureAwait(false);
        }

        return null;
    }
}
