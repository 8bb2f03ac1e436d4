using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Messages;

/// <summary>
/// <c>GET /v1/sessions/{id}/messages/{messageId}</c>: an outbound message's status and its history, from the
/// session's <see cref="MessageStatusBody"/> events. Until the messages store (a read model) exists this reads the
/// session's whole log, page by page: fine for a first slice and a short log, linear in the log's length.
/// </summary>
internal static class MessageStatusRoutes
{
    public sealed record StatusStep(string Status, DateTimeOffset At, string? Device, string? Reason);

    public sealed record MessageStatusView(string Id, string To, string Status, IReadOnlyList<StatusStep> StatusHistory);

    private const int PageSize = 1000;

    /// <summary>WhatsApp message ids are short hex or base32 strings; 128 bounds what is compared, never stored.</summary>
    private const int MaxMessageIdLength = 128;

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps) =>
        v1.MapGet("/sessions/{id}/messages/{messageId}", (string id, string messageId, HttpContext http, CancellationToken ct) => GetAsync(id, messageId, http, deps, ct));

    private static async Task<IResult> GetAsync(string rawId, string messageId, HttpContext http, EdgeDependencies deps, CancellationToken ct)
    {
        var (view, problem) = await FindAsync(http, rawId, messageId, deps, ct).ConfigureAwait(false);
        return view is null ? problem! : Results.Ok(view);
    }

    /// <summary>An outbound message's status and history (REST and gRPC), or the problem to answer.</summary>
    public static async Task<(MessageStatusView? View, IResult? Problem)> FindAsync(HttpContext http, string rawId, string messageId, EdgeDependencies deps, CancellationToken ct)
    {
        var (entry, problem) = await SessionAccess.FindAsync(http, rawId, deps, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return (null, problem!);
        }

        var id = entry.ActorId;

        if (messageId.Length is 0 or > MaxMessageIdLength || !messageId.All(char.IsAsciiLetterOrDigit))
        {
            return (null, EdgeProblems.InvalidRequest($"the message id must be 1 to {MaxMessageIdLength} letters or digits"));
        }

        var history = new List<StatusStep>();
        string? to = null;
        var after = 0L;
        while (true)
        {
            var page = await deps.Events.ReadAsync(id, after, PageSize, ct).ConfigureAwait(false);
            foreach (var e in page)
            {
                if (e.Body is MessageStatusBody status && status.MessageId == messageId)
                {
                    to ??= status.Chat;
                    history.Add(new StatusStep(status.Status.ToString().ToLowerInvariant(), e.At, status.Device, status.Reason));
                }
            }

            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1].Sequence;
        }

        return to is null
            ? (null, EdgeProblems.Problem(StatusCodes.Status404NotFound, ProblemCodes.MessageNotFound, "Message not found", $"session '{entry.Id}' sent no message '{messageId}'"))
            : (new MessageStatusView(messageId, to, Latest(history), history), null);
    }

    /// <summary>
    /// The furthest status reached: receipts from several devices can arrive out of order (read before delivered), and a
    /// message read stays read. Failed is final.
    /// </summary>
    private static string Latest(List<StatusStep> history) =>
        history.Any(s => s.Status == "failed") ? "failed"
        : history.Select(s => Enum.Parse<MessageDelivery>(s.Status, ignoreCase: true)).Max().ToString().ToLowerInvariant();
}
