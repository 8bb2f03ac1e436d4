using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions;

/// <summary>
/// One batch of a history-sync chunk the own phone sent after linking (docs/PROTOCOL.md §15): the chunk's type, order and
/// progress, and a bounded share of its conversations (with their stored messages), push names and PN ↔ LID mappings.
/// <paramref name="Part"/> numbers the batches of one chunk from 0. <paramref name="MessageId"/> and <paramref name="Sender"/>
/// name the notification that carried it. Never holds media keys or other secrets.
/// </summary>
public sealed record HistorySyncBody(
    string MessageId,
    string Sender,
    string SyncType,
    uint ChunkOrder,
    uint Progress,
    int Part,
    IReadOnlyList<HistoryConversation> Conversations,
    IReadOnlyList<HistoryPushName> PushNames,
    IReadOnlyList<HistoryLidMapping> LidMappings) : SessionEventBody
{
    internal HistorySynced ToProto()
    {
        var proto = new HistorySynced { MessageId = MessageId, Sender = Sender, SyncType = SyncType, ChunkOrder = ChunkOrder, Progress = Progress, Part = (uint)Part };
        proto.Conversations.AddRange(Conversations.Select(c =>
        {
            var conversation = new HistoryConversationRecord { Jid = c.Jid, Name = c.Name ?? "", HasUnread = c.UnreadCount is not null, UnreadCount = c.UnreadCount ?? 0 };
            conversation.Messages.AddRange(c.Messages.Select(m => new HistoryMessageRecord
            {
                Id = m.Id, FromMe = m.FromMe, Sender = m.Sender ?? "", AtUnixS = m.At.ToUnixTimeSeconds(), Text = m.Text ?? "",
            }));
            return conversation;
        }));
        proto.PushNames.AddRange(PushNames.Select(p => new HistoryPushNameRecord { Jid = p.Jid, Name = p.Name }));
        proto.LidMappings.AddRange(LidMappings.Select(m => new HistoryLidMappingRecord { Pn = m.Pn, Lid = m.Lid }));
        return proto;
    }

    internal static HistorySyncBody FromProto(HistorySynced proto) => new(
        proto.MessageId, proto.Sender, proto.SyncType, proto.ChunkOrder, proto.Progress, (int)proto.Part,
        [.. proto.Conversations.Select(c => new HistoryConversation(
            c.Jid, MessageReceivedBody.NullIfEmpty(c.Name), c.HasUnread ? c.UnreadCount : null,
            [.. c.Messages.Select(m => new HistoryMessage(m.Id, m.FromMe, MessageReceivedBody.NullIfEmpty(m.Sender), DateTimeOffset.FromUnixTimeSeconds(m.AtUnixS), MessageReceivedBody.NullIfEmpty(m.Text)))]))],
        [.. proto.PushNames.Select(p => new HistoryPushName(p.Jid, p.Name))],
        [.. proto.LidMappings.Select(m => new HistoryLidMapping(m.Pn, m.Lid))]);
}

/// <summary>A conversation of a history chunk: its jid, name and unread count when the phone gave them, and stored messages.</summary>
public sealed record HistoryConversation(string Jid, string? Name, uint? UnreadCount, IReadOnlyList<HistoryMessage> Messages);

/// <summary>A stored message: its id, whether the account sent it, the sender in a group, when, and its text when it is a text.</summary>
public sealed record HistoryMessage(string Id, bool FromMe, string? Sender, DateTimeOffset At, string? Text);

/// <summary>A contact's push name.</summary>
public sealed record HistoryPushName(string Jid, string Name);

/// <summary>A PN ↔ LID pair the phone knows.</summary>
public sealed record HistoryLidMapping(string Pn, string Lid);
