using System.Globalization;
using System.IO.Compression;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Simulator.Accounts;
using HistorySync = SessionCluster.Protocol.Wa.History.HistorySync;
using PhoneNumberToLIDMapping = SessionCluster.Protocol.Wa.History.PhoneNumberToLIDMapping;

namespace SessionCluster.Simulator.Phone;

/// <summary>
/// The history sync a primary phone sends its companions: a <c>protocolMessage</c> of type HISTORY_SYNC_NOTIFICATION whose
/// INITIAL_BOOTSTRAP chunk travels inline (<c>initialHistBootstrapInlinePayload</c>, a zlib-deflated <c>HistorySync</c>; Baileys
/// history.js inflates it instead of downloading a blob). The simulator has no chat history, so the chunk holds only the
/// PN ↔ LID mappings of every account. Baileys (chats.js) leaves its AwaitingInitialSync state when it gets this notification
/// instead of buffering events for 20 s after a first login.
/// </summary>
internal sealed partial class Phone
{
    /// <summary>Sends the history sync notification to each of the account's companions as a peer message; returns how many got it.</summary>
    public async Task<int> SendHistorySyncAsync(IReadOnlyCollection<Account> accounts, CancellationToken cancellationToken)
    {
        var notification = new Message
        {
            ProtocolMessage = new ProtocolMessage
            {
                Type = ProtocolMessage.Types.Type.HistorySyncNotification,
                HistorySyncNotification = new HistorySyncNotification
                {
                    SyncType = HistorySyncType.InitialBootstrap,
                    ChunkOrder = 0,
                    Progress = 100,
                    InitialHistBootstrapInlinePayload = ByteString.CopyFrom(InlinePayload(accounts)),
                },
            },
        };
        var sent = 0;
        foreach (var companion in Account.Devices)
        {
            var participants = EncryptForDevices([(Account, companion.DeviceId, notification)], lid: false);
            if (participants.Count == 0)
            {
                continue;
            }

            var id = MessageIds.New(Account.Phone, _clock.GetUtcNow());
            var stanza = new Node("message", [("id", id), ("to", Account.DeviceJid(companion.DeviceId).ToString()), ("type", "text"), ("category", "peer")],
                [participants[0].GetChild("enc")]);
            var ack = await _directory.Relay.SendMessageAsync(Account, 0, stanza, cancellationToken).ConfigureAwait(false);
            LogSent(_logger, Account.Phone, id, "history sync to device " + companion.DeviceId.ToString(CultureInfo.InvariantCulture), 1, ack.GetOptionalString("error") ?? "none");
            if (ack.GetOptionalString("error") is null)
            {
                sent++;
            }
        }

        return sent;
    }

    private static byte[] InlinePayload(IReadOnlyCollection<Account> accounts)
    {
        var history = new HistorySync { SyncType = HistorySync.Types.HistorySyncType.InitialBootstrap, ChunkOrder = 0, Progress = 100 };
        history.PhoneNumberToLidMappings.AddRange(accounts.OrderBy(a => a.Phone, StringComparer.Ordinal)
            .Select(a => new PhoneNumberToLIDMapping { PnJID = a.Jid.ToString(), LidJID = a.Lid.ToString() }));
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            history.WriteTo(zlib);
        }

        return buffer.ToArray();
    }
}
