using System.IO.Compression;
using Google.Protobuf;
using SessionCluster.Protocol.Media;
using SessionCluster.Protocol.Wa.Common;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Protocol.Wa.History;
using SessionCluster.Sessions.Flows;
using HistorySyncType = SessionCluster.Protocol.Wa.E2E.HistorySyncType;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>Reading a history-sync chunk (docs/PROTOCOL.md §15): payload source, bounded inflation, parse, and bounded event batches.</summary>
public sealed class HistorySyncTests
{
    private const string Bob = "15550002222@s.whatsapp.net";
    private const string BobLid = "99887766@lid";

    [Fact]
    public void An_inline_payload_inflates_to_events_with_conversations_messages_push_names_and_mappings()
    {
        var notification = Inline(Chunk(messages: 2));

        var payload = HistorySyncs.Payload(notification);
        var sync = HistorySyncs.Read(new MemoryStream(payload.Inline!));
        var batch = Assert.Single(HistorySyncs.Batches(sync, notification, "M1", "1555@s.whatsapp.net"));

        Assert.Null(payload.Blob);
        Assert.Equal(("initial_bootstrap", 0u, 100u, 0), (batch.SyncType, batch.ChunkOrder, batch.Progress, batch.Part));
        var conversation = Assert.Single(batch.Conversations);
        Assert.Equal((Bob, "Bob", (uint?)1), (conversation.Jid, conversation.Name, conversation.UnreadCount));
        Assert.Equal(["m0", "m1"], conversation.Messages.Select(m => m.Id));
        Assert.Equal(("text 0", true, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)), (conversation.Messages[0].Text, conversation.Messages[0].FromMe, conversation.Messages[0].At));
        Assert.Equal([new HistoryPushName(Bob, "Bobby")], batch.PushNames);
        Assert.Equal([new HistoryLidMapping(Bob, BobLid)], batch.LidMappings);
        Assert.Equal((Bob, BobLid), Assert.Single(HistorySyncs.LidPairs(sync)) is var (pn, lid) ? (pn.ToString(), lid.ToString()) : default);
    }

    [Fact]
    public void A_payload_that_inflates_past_the_bound_is_refused_as_too_large()
    {
        // A zlib bomb in miniature: 4 MiB of zeros deflate to a few KiB.
        var bomb = Deflate(new byte[4 * 1024 * 1024]);

        var failure = Assert.Throws<HistorySyncException>(() => HistorySyncs.Read(new MemoryStream(bomb), maxInflated: 1024 * 1024));

        Assert.Equal(HistorySyncFailure.TooLarge, failure.Failure);
        Assert.True(bomb.Length < 64 * 1024);
    }

    [Fact]
    public void A_payload_that_is_not_zlib_or_not_a_history_sync_is_refused_with_a_typed_error()
    {
        var notZlib = Assert.Throws<HistorySyncException>(() => HistorySyncs.Read(new MemoryStream("not zlib at all"u8.ToArray())));
        // Field 2 (conversations) as a varint where a message is expected: not a HistorySync.
        var notProto = Assert.Throws<HistorySyncException>(() => HistorySyncs.Read(new MemoryStream(Deflate([0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]))));

        Assert.Equal(HistorySyncFailure.BadZlib, notZlib.Failure);
        Assert.Equal(HistorySyncFailure.BadProto, notProto.Failure);
    }

    [Fact]
    public void A_large_chunk_is_split_into_bounded_batches_and_a_long_conversation_continues_under_its_jid()
    {
        var notification = Inline(Chunk(messages: 25));
        var sync = HistorySyncs.Read(new MemoryStream(notification.InitialHistBootstrapInlinePayload.ToByteArray()));

        var batches = HistorySyncs.Batches(sync, notification, "M1", "1555@s.whatsapp.net", maxItems: 10);

        Assert.All(batches, b => Assert.True(b.Conversations.Count + b.Conversations.Sum(c => c.Messages.Count) + b.PushNames.Count + b.LidMappings.Count <= 10));
        Assert.Equal(Enumerable.Range(0, batches.Count), batches.Select(b => b.Part));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => "m" + i), batches.SelectMany(b => b.Conversations).SelectMany(c => c.Messages).Select(m => m.Id));
        Assert.All(batches.SelectMany(b => b.Conversations), c => Assert.Equal(Bob, c.Jid));
        Assert.Single(batches.SelectMany(b => b.LidMappings));
    }

    [Fact]
    public void Long_texts_split_a_chunk_by_bytes_too_so_no_event_carries_more_than_its_text_budget_beyond_one_message()
    {
        var notification = Inline(Chunk(messages: 40, text: i => new string((char)('a' + (i % 26)), 60_000)));
        var sync = HistorySyncs.Read(new MemoryStream(notification.InitialHistBootstrapInlinePayload.ToByteArray()));

        var batches = HistorySyncs.Batches(sync, notification, "M1", "1555@s.whatsapp.net", maxTextBytes: 200_000);

        // 40 texts of 60,000 bytes at 200,000 a batch: three a batch, so 14 batches (the last with one, and the push name
        // and mapping after it), every message once and in order.
        var texts = batches.Select(b => b.Conversations.SelectMany(c => c.Messages).Sum(m => m.Text!.Length)).ToList();
        Assert.All(texts, bytes => Assert.InRange(bytes, 1, 200_000));
        Assert.Equal(14, batches.Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => "m" + i), batches.SelectMany(b => b.Conversations).SelectMany(c => c.Messages).Select(m => m.Id));
        Assert.Equal(Enumerable.Range(0, batches.Count), batches.Select(b => b.Part));

        // One text over the budget still goes, alone.
        var alone = HistorySyncs.Batches(sync, notification, "M1", "1555@s.whatsapp.net", maxTextBytes: 50_000);
        Assert.Equal(40, alone.Count(b => b.Conversations.SelectMany(c => c.Messages).Count() == 1));
    }

    [Fact]
    public void A_notification_names_its_blob_as_history_media_and_one_without_payload_or_blob_is_refused()
    {
        var blob = new HistorySyncNotification
        {
            SyncType = HistorySyncType.Recent, DirectPath = "/v/t62.7118-24/x.enc", MediaKey = ByteString.CopyFrom(new byte[32]),
            FileLength = 123, FileSHA256 = ByteString.CopyFrom(new byte[32]), FileEncSHA256 = ByteString.CopyFrom(new byte[32]),
        };

        var descriptor = HistorySyncs.Payload(blob).Blob!;
        var none = Assert.Throws<HistorySyncException>(() => HistorySyncs.Payload(new HistorySyncNotification { SyncType = HistorySyncType.Recent }));

        Assert.Equal((MediaKind.History, "/v/t62.7118-24/x.enc", (long?)123), (descriptor.Kind, descriptor.DirectPath, descriptor.FileLength));
        Assert.Equal(HistorySyncFailure.NoPayload, none.Failure);
        Assert.DoesNotContain("MediaKey", descriptor.ToString(), StringComparison.Ordinal);
    }

    private static HistorySync Chunk(int messages, Func<int, string>? text = null)
    {
        var conversation = new Conversation { ID = Bob, Name = "Bob", UnreadCount = 1 };
        for (var i = 0; i < messages; i++)
        {
            conversation.Messages.Add(new HistorySyncMsg
            {
                MsgOrderID = (ulong)i,
                Message = new WebMessageInfo
                {
                    Key = new MessageKey { RemoteJID = Bob, FromMe = i % 2 == 0, ID = "m" + i },
                    Message = new Message { Conversation = text?.Invoke(i) ?? "text " + i },
                    MessageTimestamp = 1_700_000_000 + (ulong)i,
                },
            });
        }

        var sync = new HistorySync { SyncType = HistorySync.Types.HistorySyncType.InitialBootstrap, ChunkOrder = 0, Progress = 100 };
        sync.Conversations.Add(conversation);
        sync.Pushnames.Add(new Pushname { ID = Bob, Pushname_ = "Bobby" });
        sync.PhoneNumberToLidMappings.Add(new PhoneNumberToLIDMapping { PnJID = Bob, LidJID = BobLid });
        // Not a PN ↔ LID pair: left out.
        sync.PhoneNumberToLidMappings.Add(new PhoneNumberToLIDMapping { PnJID = BobLid, LidJID = Bob });
        return sync;
    }

    private static HistorySyncNotification Inline(HistorySync sync) => new()
    {
        SyncType = HistorySyncType.InitialBootstrap, ChunkOrder = 0, Progress = 100,
        InitialHistBootstrapInlinePayload = ByteString.CopyFrom(Deflate(sync.ToByteArray())),
    };

    private static byte[] Deflate(byte[] plain)
    {
        using var buffer = new MemoryStream();
        using (var zlib = new ZLibStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(plain);
        }

        return buffer.ToArray();
    }
}
