using System.Globalization;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator.Phone;

internal sealed partial class Phone
{
    /// <summary>
    /// A protocolMessage from the phone to its own companions (history sync, app-state keys): each sealed to that device
    /// and sent as a peer message (<c>category="peer"</c>, docs/PROTOCOL.md §9). A companion the phone has neither a
    /// session nor a bundle for is skipped. Returns the device ids the server took it for.
    /// </summary>
    private async Task<IReadOnlyList<int>> SendToCompanionsAsync(Message message, Func<CompanionDevice, bool> include, string what, CancellationToken cancellationToken)
    {
        List<int> sent = [];
        foreach (var companion in Account.Devices.Where(include))
        {
            var participants = EncryptForDevices([(Account, companion.DeviceId, message)], lid: false);
            // A new session with the companion is part of the phone's state.
            await _directory.SaveAccountsAsync(cancellationToken).ConfigureAwait(false);
            if (participants.Count == 0)
            {
                continue;
            }

            var id = MessageIds.New(Account.Phone, _clock.GetUtcNow());
            var stanza = new Node("message", [("id", id), ("to", Account.DeviceJid(companion.DeviceId).ToString()), ("type", "text"), ("category", "peer")],
                [participants[0].GetChild("enc")]);
            var ack = await _directory.Relay.SendMessageAsync(Account, 0, stanza, cancellationToken).ConfigureAwait(false);
            LogSent(_logger, Account.Phone, id, what + " to device " + companion.DeviceId.ToString(CultureInfo.InvariantCulture), 1, ack.GetOptionalString("error") ?? "none");
            if (ack.GetOptionalString("error") is null)
            {
                sent.Add(companion.DeviceId);
            }
        }

        return sent;
    }
}
