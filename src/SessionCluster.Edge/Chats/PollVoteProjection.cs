using System.Data.Common;
using System.Text.Json;
using SessionCluster.Edge.Store;

namespace SessionCluster.Edge.Chats;

/// <summary>
/// Poll votes beside the poll they are on (docs/API.md "Chats and messages"): one row per voter with the options chosen,
/// the newest vote winning (votes of several devices or a redelivery come in any order); no options takes the vote back.
/// </summary>
internal static class PollVoteProjection
{
    /// <param name="voter">A user jid, or <see cref="ChatJids.Own"/> for this session's account.</param>
    public static Task<int> FoldAsync(DbConnection connection, string actor, string chat, string pollId, string voter, IReadOnlyList<string> options, long at, CancellationToken ct) =>
        options.Count == 0
            ? connection.ExecuteAsync(
                "DELETE FROM store_poll_votes WHERE actor_id = @actor AND chat = @chat AND poll_id = @poll AND voter = @voter AND at <= @at",
                ct, ("actor", actor), ("chat", chat), ("poll", pollId), ("voter", voter), ("at", at))
            : connection.ExecuteAsync(
                "INSERT INTO store_poll_votes (actor_id, chat, poll_id, voter, options, at) VALUES (@actor, @chat, @poll, @voter, @options, @at) " +
                "ON CONFLICT (actor_id, chat, poll_id, voter) DO UPDATE SET options = excluded.options, at = excluded.at WHERE excluded.at >= store_poll_votes.at",
                ct, ("actor", actor), ("chat", chat), ("poll", pollId), ("voter", voter), ("options", JsonSerializer.Serialize(options)), ("at", at));

    public static IReadOnlyList<string> Options(string json) => JsonSerializer.Deserialize<List<string>>(json) ?? [];
}
