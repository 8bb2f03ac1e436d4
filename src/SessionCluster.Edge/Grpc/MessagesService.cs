using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Grpc.V1;
using SessionCluster.Edge.Messages;

namespace SessionCluster.Edge.Grpc;

/// <summary>
/// <c>sessioncluster.v1.Messages</c>: send and status through the REST routes' own functions
/// (<see cref="MessageRoutes"/>, <see cref="MessageStatusRoutes"/>): the same checks, quota, idempotency and codes.
/// </summary>
internal sealed class MessagesService(EdgeDependencies deps) : V1.Messages.MessagesBase
{
    public override async Task<SendMessageResponse> Send(SendMessageRequest request, ServerCallContext context)
    {
        var media = request.Media is { } m
            ? new MessageRoutes.MediaBody(NullIfEmpty(m.Url), m.Data.IsEmpty ? null : Convert.ToBase64String(m.Data.Span), NullIfEmpty(m.Mimetype), NullIfEmpty(m.Filename), NullIfEmpty(m.Caption))
            : null;
        var reaction = request.Reaction is { } r ? new MessageRoutes.ReactionBody(r.MessageId, r.Emoji) : null;
        var body = new MessageRoutes.SendMessageRequest(request.To, request.Type, request.Text, media, reaction);
        var accepted = GrpcProblems.Answer(await MessageRoutes.SendAsync(context.GetHttpContext(), request.Session, request.IdempotencyKey,
            _ => Task.FromResult<(MessageRoutes.SendMessageRequest?, IResult?)>((body, null)), deps, context.CancellationToken).ConfigureAwait(false));
        return new SendMessageResponse { Id = accepted.Id, Status = accepted.Status };
    }

    public override async Task<MessageStatus> Get(GetMessageRequest request, ServerCallContext context)
    {
        var view = GrpcProblems.Answer(await MessageStatusRoutes.FindAsync(context.GetHttpContext(), request.Session, request.Id, deps, context.CancellationToken).ConfigureAwait(false));
        var message = new MessageStatus { Id = view.Id, To = view.To, Status = view.Status };
        foreach (var step in view.StatusHistory)
        {
            var item = new StatusStep { Status = step.Status, At = Timestamp.FromDateTimeOffset(step.At) };
            if (step.Device is not null)
            {
                item.Device = step.Device;
            }

            if (step.Reason is not null)
            {
                item.Reason = step.Reason;
            }

            message.StatusHistory.Add(item);
        }

        return message;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
