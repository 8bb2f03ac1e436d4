using Microsoft.AspNetCore.Http;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Problems;

/// <summary>
/// The one place where a session's typed refusals become HTTP problems. Routes handle the replies that mean success
/// themselves and hand every other reply here; a reply this file does not know is a bug, not a 500 with a guess.
/// </summary>
internal static class ReplyProblems
{
    public static IResult For(Reply reply) => reply switch
    {
        NotFound notFound => EdgeProblems.SessionNotFound(notFound.SessionId.Value),
        AlreadyExists exists => EdgeProblems.SessionExists(exists.SessionId.Value),
        Unavailable unavailable => EdgeProblems.Problem(StatusCodes.Status503ServiceUnavailable, ProblemCodes.SessionUnavailable, "Session unavailable",
            $"session '{unavailable.SessionId.Value}' cannot open its stored secrets ({unavailable.Failure}); it does nothing until the node's secrets key is fixed"),
        LinkRefused { Reason: LinkRefusal.AlreadyLinked } linked => EdgeProblems.SessionLinked(linked.SessionId.Value),
        LinkRefused { Reason: LinkRefusal.Deleted } deleted => EdgeProblems.SessionNotFound(deleted.SessionId.Value),
        SendRefused refused => refused.Reason switch
        {
            SendRefusal.NotLinked => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotLinked, "Session not linked", refused.Detail),
            SendRefusal.Ended => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionEnded, "Session ended", refused.Detail),
            SendRefusal.NotConnected => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotConnected, "Session not connected", refused.Detail),
            SendRefusal.BadRecipient => EdgeProblems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.InvalidRecipient, "Invalid recipient", refused.Detail),
            SendRefusal.BadContent => EdgeProblems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.InvalidContent, "Invalid content", refused.Detail),
            var other => throw new InvalidOperationException($"No problem is mapped for the send refusal {other}."),
        },
        var other => throw new InvalidOperationException($"No problem is mapped for the session reply {other.GetType().Name}."),
    };
}
