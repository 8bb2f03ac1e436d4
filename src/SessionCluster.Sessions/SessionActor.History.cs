using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions;

/// <summary>
/// History sync (docs/PROTOCOL.md §15): a decrypted peer message from the own account whose protocolMessage is a
/// HISTORY_SYNC_NOTIFICATION is not a message.received. Its payload (inline, or a blob downloaded from the media_conn hosts
/// and decrypted as "WhatsApp History Keys") is inflated and parsed off the actor and piped back; the message then takes
/// its turn in the inbound order like any other: the chunk's PN ↔ LID pairs are stored first (as usync answers are), then
/// its <see cref="HistorySyncBody"/> events, and only then the receipt. A chunk that cannot be read is logged once and
/// receipted without an event, so the phone does not send it again and again.
/// </summary>
public sealed partial class SessionActor
{
    /// <summary>How long reading one chunk (download included) may take before it counts as unreadable.</summary>
    private static readonly TimeSpan HistoryReadTimeout = TimeSpan.FromMinutes(2);

    private void ReceiveHistory() => Command<HistoryRead>(OnHistoryRead);

    /// <summary>The history-sync notification a decrypted message carries, or null when it is anything else.</summary>
    private static HistorySyncNotification? HistoryNotificationOf(Message content) =>
        content.ProtocolMessage is { Type: ProtocolMessage.Types.Type.HistorySyncNotification, HistorySyncNotification: { } notification } ? notification : null;

    /// <summary>Starts reading the chunk <paramref name="work"/> announces; it is stored in its turn once <see cref="HistoryRead"/> is back.</summary>
    private void ReadHistory(InboundWork work, Message content, HistorySyncNotification notification)
    {
        work.HistoryContent = content;
        var message = work.Message;
        if (!IsOwnAccount(message.SenderDevice))
        {
            // Only the own phone may hand over history; anyone else's is taken for nothing.
            HistoryLog.NotOwn(_logger, _id.Value, message.Id, message.SenderDevice.ToString());
            Self.Tell(new HistoryRead(work.Key, [], [], null));
            return;
        }

        HistoryPayload payload;
        try
        {
            payload = HistorySyncs.Payload(notification);
        }
        catch (HistorySyncException e)
        {
            Self.Tell(new HistoryRead(work.Key, [], [], e));
            return;
        }

        var sender = message.SenderDevice.ToString();
        if (payload.Inline is { } inline)
        {
            ReadHistoryAsync(work.Key, message.Id, sender, notification, () => Task.FromResult<Stream>(new MemoryStream(inline, writable: false))).PipeTo(Self);
            return;
        }

        if (_dependencies.HistoryDownloader is not { } downloader)
        {
            Self.Tell(new HistoryRead(work.Key, [], [], new HistorySyncException(HistorySyncFailure.Download, "this node has no media downloader for history blobs")));
            return;
        }

        WithMediaHosts(hosts => ReadHistoryAsync(work.Key, message.Id, sender, notification, async () =>
        {
            using var timeout = new CancellationTokenSource(HistoryReadTimeout);
            var downloaded = await downloader.DownloadAsync(payload.Blob!, hosts, HistorySyncs.MaxBlobBytes, timeout.Token).ConfigureAwait(false);
            return downloaded.Content;
        }).PipeTo(Self));
    }

    /// <summary>The media hosts to download from: the cached media_conn answer, else a fresh one (none when it is not answered).</summary>
    private void WithMediaHosts(Action<IReadOnlyList<string>> then)
    {
        if (_mediaConnection is { } cached && cached.ExpiresAt > _dependencies.Clock.GetUtcNow())
        {
            then(cached.Hosts);
            return;
        }

        SendIq(MediaConnections.Query, outcome =>
        {
            if (outcome is IqAnswered answered && TryRead(() => MediaConnections.Read(answered.Result, _dependencies.Clock.GetUtcNow()), out var connection))
            {
                _mediaConnection = connection;
                then(connection.Hosts);
                return;
            }

            MessagingLog.IqFailed(_logger, _id.Value, "media_conn", outcome.ToString());
            then([]);
        });
    }

    /// <summary>Off the actor: opens the payload, inflates and parses it, and makes the events; every failure becomes the answer's typed reason.</summary>
    private static async Task<HistoryRead> ReadHistoryAsync(string key, string messageId, string sender, HistorySyncNotification notification, Func<Task<Stream>> open)
    {
        try
        {
            var stream = await open().ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var sync = await Task.Run(() => HistorySyncs.Read(stream)).ConfigureAwait(false);
                return new HistoryRead(key, HistorySyncs.Batches(sync, notification, messageId, sender), HistorySyncs.LidPairs(sync), null);
            }
        }
        catch (HistorySyncException e)
        {
            return new HistoryRead(key, [], [], e);
        }
        catch (MediaDownloadException e)
        {
            // Not found, too large, tampered (MAC or hash), or no host served it: the message names the check, never the key.
            return new HistoryRead(key, [], [], new HistorySyncException(HistorySyncFailure.Download, e.Message, e));
        }
        catch (OperationCanceledException e)
        {
            return new HistoryRead(key, [], [], new HistorySyncException(HistorySyncFailure.Download, "the download took too long", e));
        }
    }

    private void OnHistoryRead(HistoryRead read)
    {
        if (_inflight.Find(w => w.Key == read.Key && w.HistoryContent is not null && w.Content is null && w.Failure is null) is not { } work)
        {
            // Its connection is gone: the server redelivers the notification and it is read again.
            return;
        }

        if (read.Failure is { } failure)
        {
            HistoryLog.Unreadable(_logger, _id.Value, work.Message.Id, failure.Failure, failure.Message);
        }
        else if (read.Batches.Count > 0)
        {
            var first = read.Batches[0];
            HistoryLog.Synced(_logger, _id.Value, work.Message.Id, first.ChunkOrder, first.SyncType, first.Progress, read.Batches.Count, read.Pairs.Count);
        }

        work.History = read;
        Ready(work, work.HistoryContent!);
    }

    /// <summary>Recovery: a stored history batch is a notification already had (its redelivery is only receipted).</summary>
    private void ApplyHistoryEvent(SessionEventRecord record)
    {
        if (record.BodyCase == SessionEventRecord.BodyOneofCase.HistorySynced && Jid.TryParse(record.HistorySynced.Sender, out var sender))
        {
            Remember(_lids.Canonical(sender.ToNonAd()) + "/" + record.HistorySynced.MessageId);
        }
    }

    /// <summary>A chunk read (or not: <see cref="Failure"/>), back on the actor for the inbound message <see cref="Key"/>.</summary>
    private sealed record HistoryRead(string Key, IReadOnlyList<HistorySyncBody> Batches, IReadOnlyList<(Jid Phone, Jid Lid)> Pairs, HistorySyncException? Failure);
}
