using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using SessionCluster.Edge.Grpc.V1;
using SessionCluster.Edge.Messages;
using SessionCluster.Edge.StatusUpdates;

namespace SessionCluster.Edge.Grpc;

/// <summary>
/// <c>sessioncluster.v1.Messages</c>: send, status posts and message status through the REST routes' own functions
/// (<see cref="MessageRoutes"/>, <see cref="MessageStatusRoutes"/>): the same checks, quota, idempotency and codes.
/// </summary>
internal sealed class MessagesService(EdgeDependencies deps) : V1.Messages.MessagesBase
{
    public override async Task<SendMessageResponse> Send(SendMessageRequest request, ServerCallContext context)
    {
        var media = MediaBody(request.Media);
        var reaction = request.Reaction is { } r ? new MessageRoutes.ReactionBody(r.MessageId, r.Emoji) : null;
        var location = request.Location is { } l ? new MessageRoutes.LocationBody(l.Latitude, l.Longitude, NullIfEmpty(l.Name), NullIfEmpty(l.Address)) : null;
        JsonElement? contacts = request.Contacts.Count == 0 ? null
            : JsonSerializer.SerializeToElement(request.Contacts.Select(c => new MessageRoutes.ContactBody(c.DisplayName, c.Vcard)).ToList(), ContactJson);
        var poll = request.Poll is { } p ? new MessageRoutes.PollBody(p.Name, [.. p.Options], p.SelectableCount == 0 ? null : p.SelectableCount) : null;
        var body = new MessageRoutes.SendMessageRequest(request.To, request.Type, request.Text, media, reaction,
            NullIfEmpty(request.ReplyTo), request.Mentions.Count == 0 ? null : [.. request.Mentions], location, contacts, poll);
        var accepted = GrpcProblems.Answer(await MessageRoutes.SendAsync(context.GetHttpContext(), request.Session, request.IdempotencyKey,
            _ => Task.FromResult<(MessageRoutes.SendMessageRequest?, IResult?)>((body, null)), deps, context.CancellationToken).ConfigureAwait(false));
        return new SendMessageResponse { Id = accepted.Id, Status = accepted.Status };
    }

    public override async Task<SendMessageResponse> PostStatus(PostStatusRequest request, ServerCallContext context)
    {
        var media = MediaBody(request.Media);
        var body = new StatusRoutes.PostStatusRequest(
            NullIfEmpty(request.Type), NullIfEmpty(request.Text), media, NullIfEmpty(request.BackgroundColor), NullIfEmpty(request.Font), [.. request.Audience]);
        var accepted = GrpcProblems.Answer(await StatusRoutes.PostAsync(context.GetHttpContext(), request.Session, request.IdempotencyKey,
            _ => Task.FromResult<(StatusRoutes.PostStatusRequest?, IResult?)>((body, null)), deps, context.CancellationToken).ConfigureAwait(false));
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

    public override Task<SendMessageResponse> Edit(EditMessageRequest request, ServerCallContext context) =>
        ActAsync(context, request.Session, request.MessageId, MessageAction.Edit, request.IdempotencyKey, new MessageActionRoutes.ActionBody(Text: request.Text));

    public override Task<SendMessageResponse> Revoke(RevokeMessageRequest request, ServerCallContext context) =>
        ActAsync(context, request.Session, request.MessageId, MessageAction.Revoke, request.IdempotencyKey, new MessageActionRoutes.ActionBody());

    public override Task<SendMessageResponse> React(ReactMessageRequest request, ServerCallContext context) =>
        ActAsync(context, request.Session, request.MessageId, MessageAction.React, request.IdempotencyKey, new MessageActionRoutes.ActionBody(Emoji: request.Emoji));

    public override Task<SendMessageResponse> Vote(VotePollRequest request, ServerCallContext context) =>
        ActAsync(context, request.Session, request.MessageId, MessageAction.Vote, request.IdempotencyKey, new MessageActionRoutes.ActionBody(Options: [.. request.Options]));

    private async Task<SendMessageResponse> ActAsync(ServerCallContext context, string session, string messageId, MessageAction action, string key, MessageActionRoutes.ActionBody body)
    {
        var accepted = GrpcProblems.Answer(await MessageActionRoutes.ActAsync(context.GetHttpContext(), session, messageId, action, key,
            _ => Task.FromResult<(MessageActionRoutes.ActionBody?, IResult?)>((body, null)), deps, context.CancellationToken).ConfigureAwait(false));
        return new SendMessageResponse { Id = accepted.Id, Status = accepted.Status };
    }

    /// <summary>Contact cards handed to the REST reader as the JSON it reads (camelCase).</summary>
    private static readonly JsonSerializerOptions ContactJson = new(JsonSerializerDefaults.Web);

    /// <summary>A file as REST's reader takes it: the bytes as its base64, an empty field as absent.</summary>
    private static MessageRoutes.MediaBody? MediaBody(V1.Media? m) => m is null ? null
        : new(NullIfEmpty(m.Url), m.Data.IsEmpty ? null : Convert.ToBase64String(m.Data.Span), NullIfEmpty(m.Mimetype), NullIfEmpty(m.Filename), NullIfEmpty(m.Caption), NullIfEmpty(m.UploadId));

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
