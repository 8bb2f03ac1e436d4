using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Connections;

namespace SessionCluster.Simulator;

/// <summary>
/// <c>xmlns="md"</c>: a companion logging itself out with
/// <c>&lt;iq type="set"&gt;&lt;remove-companion-device jid reason="user_initiated"/&gt;</c> (FACTS §13). The device is
/// unlinked from its account and acknowledged. Pairing by code (<c>link_code_companion_reg</c>) arrives with a later slice.
/// </summary>
internal static class CompanionDevices
{
    public static async ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        var first = IqRouter.FirstChild(iq);
        if (iq.GetString("type") != "set" || first != "remove-companion-device")
        {
            throw new IqRequestException(IqErrorCode.FeatureNotImplemented, $"md <{first}> is not built yet.");
        }

        var (account, device) = connection.LoggedIn!;
        var jid = IqRouter.RequireChild(iq, "remove-companion-device").GetJid("jid");
        if (jid.User != account.Phone || jid.Device != device.DeviceId)
        {
            // A companion may remove itself; removing other devices is the phone's job.
            throw new IqRequestException(IqErrorCode.NotAuthorized, "A companion can only remove itself.");
        }

        account.RemoveDevice(device.DeviceId);
        await connection.Server.Accounts.SaveAsync(cancellationToken).ConfigureAwait(false);
        return ServerStanzas.IqResult(iq);
    }
}
