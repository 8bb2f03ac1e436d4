using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Simulator.Accounts;
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
internal sealed class CompanionDevices(AccountDirectory accounts, DeviceLists deviceLists, ConnectionRegistry connections)
{
    /// <summary>The phone removes a companion: forget it, persist, and log out its connection if it is online.</summary>
    /// <returns>False when the account has no such device (nothing changed).</returns>
    public async Task<bool> UnlinkAsync(Account account, int deviceId, CancellationToken cancellationToken)
    {
        var removed = account.FindDevice(deviceId);
        if (removed is null || !account.RemoveDevice(deviceId))
        {
            return false;
        }

        await accounts.SaveAsync(cancellationToken).ConfigureAwait(false);
        await deviceLists.ChangedAsync(account, deviceId, removed.KeyIndex, added: false, cancellationToken).ConfigureAwait(false);
        if (connections.FindDevice(account.DeviceJid(deviceId).ToString()) is { } connection)
        {
            await connection.CloseAsync(StreamErrors.DeviceRemoved(), "device removed by the phone").ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>An <c>md</c> iq other than pairing by code: a companion removing itself.</summary>
    public async ValueTask<Node?> HandleAsync(ChatConnection connection, Node iq, CancellationToken cancellationToken)
    {
        var first = IqRouter.FirstChild(iq);
        if (iq.GetString("type") != "set" || first != "remove-companion-device")
        {
            throw new IqRequestException(IqErrorCode.FeatureNotImplemented, $"md <{first}> is not supported.");
        }

        var (account, device) = connection.LoggedIn!;
        var jid = IqRouter.RequireChild(iq, "remove-companion-device").GetJid("jid");
        if (jid.User != account.Phone || jid.Device != device.DeviceId)
        {
            // A companion may remove itself; removing other devices is the phone's job.
            throw new IqRequestException(IqErrorCode.NotAuthorized, "A companion can only remove itself.");
        }

        account.RemoveDevice(device.DeviceId);
        await accounts.SaveAsync(cancellationToken).ConfigureAwait(false);
        await deviceLists.ChangedAsync(account, device.DeviceId, device.KeyIndex, added: false, cancellationToken).ConfigureAwait(false);
        return ServerStanzas.IqResult(iq);
    }
}
