using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Connections;
using SessionCluster.Simulator.Linking;

namespace SessionCluster.Simulator;

/// <summary>
/// <c>xmlns="md"</c>: a companion logging itself out with
/// <c>&lt;iq type="set"&gt;&lt;remove-companion-device jid reason="user_initiated"/&gt;</c> (docs/PROTOCOL.md §13). The device is
/// unlinked from its account and acknowledged. The phone unlinking a companion (<see cref="UnlinkAsync"/>, from
/// <c>DELETE /admin/accounts/{phone}/devices/{device}</c>) also ends that companion's live connection with
/// <c>&lt;stream:error code="401"&gt;&lt;conflict type="device_removed"/&gt;&lt;/stream:error&gt;</c>. Pairing by code (<c>link_code_companion_reg</c>) is <see cref="LinkCodeRegistration"/>.
/// </summary>
internal static class CompanionDevices
{
    /// <summary>The phone removes a companion: forget it, persist, and log out its connection if it is online.</summary>
    /// <exception cref="AdminProblemException">404 when the account has no such device.</exception>
    public static async Task UnlinkAsync(SimulatorServer server, Accounts.Account account, int deviceId, CancellationToken cancellationToken)
    {
        var removed = account.FindDevice(deviceId);
        if (removed is null || !account.RemoveDevice(deviceId))
        {
            throw AdminProblemException.NotFound($"Device {deviceId} is not linked to {account.Phone}.");
        }

        await server.Accounts.SaveAsync(cancellationToken).ConfigureAwait(false);
        await server.DeviceLists.ChangedAsync(account, deviceId, removed.KeyIndex, added: false, cancellationToken).ConfigureAwait(false);
        if (server.Connections.FindDevice(account.DeviceJid(deviceId).ToString()) is { } connection)
        {
            await connection.CloseAsync(ServerStanzas.DeviceRemoved(), "device removed by the phone").ConfigureAwait(false);
        }
    }

    public static async ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        var first = IqRouter.FirstChild(iq);
        if (iq.GetString("type") != "set" || first != "remove-companion-device")
        {
            throw new IqRequestException(IqErrorCode.FeatureNotImplemented, $"md <{first}> is not built.");
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
        await connection.Server.DeviceLists.ChangedAsync(account, device.DeviceId, device.KeyIndex, added: false, cancellationToken).ConfigureAwait(false);
        return ServerStanzas.IqResult(iq);
    }
}
