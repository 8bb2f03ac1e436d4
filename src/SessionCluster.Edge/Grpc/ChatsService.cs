using Grpc.Core;
using SessionCluster.Edge.Chats;
using SessionCluster.Edge.Grpc.V1;
using SessionCluster.Edge.Messages;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Grpc;

/// <summary>
/// <c>sessioncluster.v1.Chats</c>: chat states, read receipts and chat settings through what REST's chat routes call
/// (<see cref="PresenceRoutes.Chat"/>, <see cref="MarkReadRoutes.Build"/>, <see cref="ChatRoutes.ReadChatAsync"/>,
/// <see cref="ChatSettingRoutes.Build"/>): the same checks, commands and problem codes.
/// </summary>
internal sealed class ChatsService(EdgeDependencies deps) : V1.Chats.ChatsBase
{
    public override async Task<SendChatStateResponse> SendChatState(SendChatStateRequest request, ServerCallContext context)
    {
        await GrpcSessionCall.AskAsync(context, request.Session, deps, entry => PresenceRoutes.Chat(entry, request.Chat, request.State), reply => PresenceRoutes.IsSent(reply) ? reply : null).ConfigureAwait(false);
        return new SendChatStateResponse();
    }

    public override async Task<MarkReadResponse> MarkRead(MarkReadRequest request, ServerCallContext context)
    {
        if (request.MessageIds.Count == 0)
        {
            var read = await GrpcSessionCall.AnswerAsync(context, request.Session, deps, entry => ChatRoutes.ReadChatAsync(entry, request.Chat, deps, context.CancellationToken)).ConfigureAwait(false);
            return new MarkReadResponse { Chat = read.Chat, Marked = read.Marked, Synced = read.Synced };
        }

        var marked = await GrpcSessionCall.AskAsync(context, request.Session, deps,
            entry => MarkReadRoutes.Build(entry, request.Chat, request.Sender.Length == 0 ? null : request.Sender, request.MessageIds), reply => reply as ReadMarked).ConfigureAwait(false);
        return new MarkReadResponse { Chat = request.Chat, Marked = marked.Count };
    }

    public override Task<ChatSettingChanged> Archive(ChatRequest request, ServerCallContext context) => ChangeAsync(request, context, ChatSetting.Archived, on: true);

    public override Task<ChatSettingChanged> Unarchive(ChatRequest request, ServerCallContext context) => ChangeAsync(request, context, ChatSetting.Archived, on: false);

    public override Task<ChatSettingChanged> Pin(ChatRequest request, ServerCallContext context) => ChangeAsync(request, context, ChatSetting.Pinned, on: true);

    public override Task<ChatSettingChanged> Unpin(ChatRequest request, ServerCallContext context) => ChangeAsync(request, context, ChatSetting.Pinned, on: false);

    public override Task<ChatSettingChanged> Mute(ChatRequest request, ServerCallContext context) => ChangeAsync(request, context, ChatSetting.Muted, on: true);

    public override Task<ChatSettingChanged> Unmute(ChatRequest request, ServerCallContext context) => ChangeAsync(request, context, ChatSetting.Muted, on: false);

    public override Task<ChatSettingChanged> MarkUnread(ChatRequest request, ServerCallContext context) => ChangeAsync(request, context, ChatSetting.Read, on: false);

    private async Task<ChatSettingChanged> ChangeAsync(ChatRequest request, ServerCallContext context, ChatSetting setting, bool on)
    {
        var view = await GrpcSessionCall.AskAsync(context, request.Session, deps, entry => ChatSettingRoutes.Build(entry, request.Chat, setting, on), ChatSettingRoutes.View).ConfigureAwait(false);
        return new ChatSettingChanged { Chat = view.Chat, Collection = view.Collection, Version = view.Version };
    }
}
