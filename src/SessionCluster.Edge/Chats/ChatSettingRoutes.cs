using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Edge.Problems;
using SessionCluster.Edge.Sessions;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Edge.Chats;

/// <summary>
/// <c>POST /v1/sessions/{id}/chats/{jid}:archive</c>, <c>:unarchive</c>, <c>:pin</c>, <c>:unpin</c>, <c>:mute</c> (forever),
/// <c>:unmute</c> and <c>:unread</c> (docs/API.md "Chat settings"): one <see cref="ModifyChat"/> each, an app-state patch the
/// phone and the account's other devices apply (docs/PROTOCOL.md §14). No body. Answers 200
/// <c>{"chat", "collection", "version"}</c> once the server stored the patch; the session's own <c>chat.*</c> event follows.
/// </summary>
internal static class ChatSettingRoutes
{
    public sealed record ChatSettingView(string Chat, string Collection, ulong Version);

    /// <summary>These routes take no body; an empty JSON object is accepted and ignored.</summary>
    public sealed record NoBody;

    public static void Map(RouteGroupBuilder v1, EdgeDependencies deps)
    {
        foreach (var (verb, setting, on) in new (string, ChatSetting, bool)[]
        {
            ("archive", ChatSetting.Archived, true), ("unarchive", ChatSetting.Archived, false),
            ("pin", ChatSetting.Pinned, true), ("unpin", ChatSetting.Pinned, false),
            ("mute", ChatSetting.Muted, true), ("unmute", ChatSetting.Muted, false),
            ("unread", ChatSetting.Read, false),
        })
        {
            // Bodiless, but declared as optionally JSON like the :read route beside it: when only some of the candidates of
            // one path segment carry consumes metadata, ASP.NET's consumes policy drops the others for a request without a
            // content type, and the complex segment {jid}:read then matched nothing (404).
            SessionCommandRoute.MapPost(v1, "/sessions/{id}/chats/{jid}:" + verb, deps, (entry, http) => Build(entry, http.Request.RouteValues["jid"] as string, setting, on),
                    reply => View(reply) is { } view ? Results.Ok(view) : null)
                .Accepts<NoBody>(isOptional: true, "application/json");
        }
    }

    /// <summary>The setting's command (REST and gRPC's <c>Chats</c> calls), or the problem with <paramref name="jid"/>.</summary>
    public static SessionCommandRoute.Built Build(SessionEntry entry, string? jid, ChatSetting setting, bool on) =>
        jid is not null && ChatJids.IsValid(jid)
            ? SessionCommandRoute.Built.Ask(new ModifyChat(entry.ActorId, jid, setting, on))
            : SessionCommandRoute.Built.Refuse(EdgeProblems.InvalidRequest("the chat must be a jid (user@s.whatsapp.net, id@lid, id@g.us), at most 128 characters"));

    /// <summary>What the session's reply shows when the patch was stored; null for any other reply.</summary>
    public static ChatSettingView? View(Reply reply) =>
        reply is ChatModified modified ? new ChatSettingView(modified.Chat, modified.Collection, modified.Version) : null;
}
