using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Problems;

namespace SessionCluster.Edge.Messages;

/// <summary>A <see cref="ContentException"/> as the REST (and gRPC) problem with its stable code (docs/API.md "Errors").</summary>
internal static class ContentProblems
{
    public static IResult For(ContentException e, string sessionId) => e.Failure switch
    {
        ContentFailure.Invalid => EdgeProblems.InvalidRequest(e.Message),
        ContentFailure.UnknownMessage => EdgeProblems.NotFound(ProblemCodes.MessageNotFound, "Message not found", e.Message),
        ContentFailure.UnknownUpload => EdgeProblems.NotFound(ProblemCodes.UploadNotFound, "Upload not found", e.Message),
        ContentFailure.NotEditable => EdgeProblems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.MessageNotEditable, "Message not editable", e.Message),
        ContentFailure.NotRevocable => EdgeProblems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.MessageNotRevocable, "Message not revocable", e.Message),
        ContentFailure.LinkFailed => EdgeProblems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.MediaUnreachable, "Media unreachable", e.Message),
        ContentFailure.TooLarge => EdgeProblems.Problem(StatusCodes.Status413PayloadTooLarge, ProblemCodes.MediaTooLarge, "Media too large", e.Message),
        ContentFailure.NotLinked => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotLinked, "Session not linked", e.Message),
        ContentFailure.NotConnected => EdgeProblems.Problem(StatusCodes.Status409Conflict, ProblemCodes.SessionNotConnected, "Session not connected",
            e.Message + "; files are uploaded while the session is connected"),
        ContentFailure.SessionGone => EdgeProblems.SessionNotFound(sessionId),
        ContentFailure.UploadFailed => EdgeProblems.Problem(StatusCodes.Status502BadGateway, ProblemCodes.MediaUploadFailed, "Media upload failed", e.Message),
        var other => throw new InvalidOperationException($"No problem is mapped for the content failure {other}."),
    };
}
