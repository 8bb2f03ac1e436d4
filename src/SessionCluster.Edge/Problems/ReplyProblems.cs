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
    /// <param name="id">The tenant's name for the session (never the actor id, which tenants do not see).</param>
    public static IResult For(Reply reply, string id) => reply switch
    {
        NotFound => EdgeProblems.SessionNotFound(id),
        AlreadyExists => EdgeProblems.SessionExists(id),
        Unavailable unavailable => EdgeProblems.Problem(StatusCodes.Status503ServiceUnavailable, ProblemCodes.SessionUnavailable, "Session unavailable",
            $"session '{id}' cannot open its stored secrets ({unavailable.Failure}); it does nothing until the node's secrets key is fixed"),
        LinkRefused { Reason: LinkRefusal.AlreadyLinked } => EdgeProblems.SessionLinked(id),
        LinkRefused { Reason: LinkRefusal.Deleted } => EdgeProblems.SessionNotFound(id),
        LinkRefused { Reason: LinkRefusal.AlreadyLinking } => EdgeProblems.Conflict(ProblemCodes.LinkInProgress, "Link in progress",
            $"session '{id}' is linking already; finish that link (or wait for it to fail) before starting another"),
        LinkRefused { Reason: LinkRefusal.InvalidPhoneNumber } => EdgeProblems.InvalidRequest("phone must be 7 to 15 digits in international form (an optional +, spaces, dashes, dots or brackets)"),
        LinkCodeNotIssued { Reason: LinkFailure.HelloRefused } => EdgeProblems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.PairingRefused, "Pairing refused",
            "the server refused pairing by code for this number (it may have no WhatsApp account); check the number"),
        LinkCodeNotIssued notIssued => EdgeProblems.Problem(StatusCodes.Status502BadGateway, ProblemCodes.LinkFailed, "Link failed",
            $"linking by code ended before a code was issued ({notIssued.Reason}); ask again"),
        LogoutRefused { Reason: LogoutRefusal.NotLinked } => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotLinked, "Session not linked",
            $"session '{id}' is not linked to a phone: there is nothing to log out of"),
        LogoutRefused { Reason: LogoutRefusal.Deleted } or ConnectRefused { Reason: ConnectRefusal.Deleted } => EdgeProblems.SessionNotFound(id),
        ConnectRefused { Reason: ConnectRefusal.NotLinked } => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotLinked, "Session not linked",
            $"session '{id}' is not linked to a phone (or is logged out): link it first"),
        ConnectRefused { Reason: ConnectRefusal.AlreadyConnecting } => EdgeProblems.Conflict(ProblemCodes.SessionConnecting, "Session connecting",
            $"session '{id}' is connected or connecting already"),
        ContactsRefused refused => refused.Reason switch
        {
            ContactsRefusal.BadPhones => EdgeProblems.InvalidRequest(refused.Detail),
            ContactsRefusal.NotLinked => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotLinked, "Session not linked", refused.Detail),
            ContactsRefusal.Ended => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionEnded, "Session ended", refused.Detail),
            ContactsRefusal.NotConnected => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotConnected, "Session not connected", refused.Detail),
            ContactsRefusal.Unanswered => EdgeProblems.Timeout($"the server did not answer session '{id}''s contact query; ask again"),
            var other => throw new InvalidOperationException($"No problem is mapped for the contacts refusal {other}."),
        },
        SettingsRefused refused => EdgeProblems.InvalidRequest(refused.Detail),
        ChatModifyRefused refused => refused.Reason switch
        {
            ChatModifyRefusal.BadChat => EdgeProblems.InvalidRequest(refused.Detail),
            ChatModifyRefusal.NotLinked => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotLinked, "Session not linked", refused.Detail),
            ChatModifyRefusal.Ended => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionEnded, "Session ended", refused.Detail),
            ChatModifyRefusal.NotConnected => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotConnected, "Session not connected", refused.Detail),
            ChatModifyRefusal.NoKey => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.AppStateKeyMissing, "App-state key missing", refused.Detail),
            ChatModifyRefusal.Conflict => EdgeProblems.Conflict(ProblemCodes.AppStateConflict, "Chat changed elsewhere", refused.Detail),
            ChatModifyRefusal.Unanswered => EdgeProblems.Timeout($"the server did not take session '{id}''s chat change; ask again"),
            var other => throw new InvalidOperationException($"No problem is mapped for the chat refusal {other}."),
        },
        GroupRefused refused => refused.Reason switch
        {
            GroupRefusal.BadRequest => EdgeProblems.InvalidRequest(refused.Detail),
            GroupRefusal.NotLinked => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotLinked, "Session not linked", refused.Detail),
            GroupRefusal.Ended => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionEnded, "Session ended", refused.Detail),
            GroupRefusal.NotConnected => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotConnected, "Session not connected", refused.Detail),
            GroupRefusal.Unanswered => EdgeProblems.Timeout($"the server did not answer session '{id}''s group request; ask again"),
            GroupRefusal.NotFound => EdgeProblems.NotFound(ProblemCodes.GroupNotFound, "Group not found", refused.Detail),
            GroupRefusal.Forbidden => EdgeProblems.Problem(StatusCodes.Status403Forbidden, ProblemCodes.GroupForbidden, "Not allowed in this group", refused.Detail),
            GroupRefusal.Conflict => EdgeProblems.Conflict(ProblemCodes.GroupConflict, "Group changed", refused.Detail),
            GroupRefusal.Refused => EdgeProblems.Problem(StatusCodes.Status502BadGateway, ProblemCodes.GroupRefused, "Group request refused", refused.Detail),
            var other => throw new InvalidOperationException($"No problem is mapped for the group refusal {other}."),
        },
        SendRefused refused => refused.Reason switch
        {
            SendRefusal.NotLinked => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotLinked, "Session not linked", refused.Detail),
            SendRefusal.Ended => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionEnded, "Session ended", refused.Detail),
            SendRefusal.NotConnected => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotConnected, "Session not connected", refused.Detail),
            SendRefusal.BadRecipient => EdgeProblems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.InvalidRecipient, "Invalid recipient", refused.Detail),
            SendRefusal.BadContent => EdgeProblems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.InvalidContent, "Invalid content", refused.Detail),
            SendRefusal.UnknownPoll => EdgeProblems.NotFound(ProblemCodes.PollNotFound, "Poll not found", refused.Detail),
            SendRefusal.UnknownPollOption => EdgeProblems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.InvalidPollOption, "Invalid poll option", refused.Detail),
            var other => throw new InvalidOperationException($"No problem is mapped for the send refusal {other}."),
        },
        var other => throw new InvalidOperationException($"No problem is mapped for the session reply {other.GetType().Name}."),
    };
}
