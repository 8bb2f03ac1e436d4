using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator.Groups;

/// <summary>
/// <c>POST /admin/groups {"subject", "creator": "&lt;phone&gt;", "participants": ["&lt;phone&gt;", …]}</c> → 201 <c>{"jid"}</c>
/// (400 bad body or subject, 404 unknown account); <c>GET /admin/groups</c> and <c>GET /admin/groups/{jid}</c> → the group(s)
/// with subject, creator, creation and members; <c>POST /admin/groups/{jid}/participants:{add|remove|leave}
/// {"by": "&lt;phone&gt;", "participants": ["&lt;phone&gt;", …]}</c> → 200 the group: a member's change made from its phone,
/// with the <c>w:gp2</c> notification a companion's iq makes (<c>leave</c>: <c>by</c> leaves; 400 bad body or action, 403
/// not allowed, 404 unknown group or account).
/// </summary>
internal static class GroupAdmin
{
    public static void Map(IEndpointRouteBuilder admin, GroupDirectory groups, AccountDirectory accounts, GroupNotifications notifications)
    {
        admin.MapPost("/groups", async (HttpContext context) =>
        {
            CreateGroupRequest? request;
            try
            {
                request = await JsonSerializer.DeserializeAsync<CreateGroupRequest>(context.Request.Body, JsonSerializerOptions.Web, context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                return Results.Problem(statusCode: 400, title: "Bad request", detail: "The body is not the expected JSON object: " + e.Message);
            }

            if (request?.Subject is null || request.Creator is null || !IsPhone(request.Creator) || !(request.Participants ?? []).All(IsPhone))
            {
                return Results.Problem(statusCode: 400, title: "Bad request", detail: "The body needs \"subject\", \"creator\" (a phone) and \"participants\" (phones).");
            }

            try
            {
                var group = groups.Create(request.Subject, Pn(request.Creator), (request.Participants ?? []).Select(Pn));
                await notifications.SendAsync(group, group.Creator, new Node("create", null, [GroupNodes.Group(group, accounts)]), [], context.RequestAborted).ConfigureAwait(false);
                return Results.Json(ToResponse(group), statusCode: StatusCodes.Status201Created);
            }
            catch (GroupException e)
            {
                return Results.Problem(statusCode: e.Failure == GroupFailure.UnknownAccount ? 404 : 400, title: e.Failure.ToString(), detail: e.Message);
            }
        });
        admin.MapPost("/groups/{jid}/participants:{action}", async (string jid, string action, HttpContext context) =>
        {
            GroupMembersChangeRequest? request;
            try
            {
                request = await JsonSerializer.DeserializeAsync<GroupMembersChangeRequest>(context.Request.Body, JsonSerializerOptions.Web, context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                return Results.Problem(statusCode: 400, title: "Bad request", detail: "The body is not the expected JSON object: " + e.Message);
            }

            var participants = request?.Participants ?? [];
            if (action is not ("add" or "remove" or "leave") || request?.By is null || !IsPhone(request.By) || !participants.All(IsPhone)
                || (action != "leave" && participants.Count == 0) || !Jid.TryParse(jid.Contains('@', StringComparison.Ordinal) ? jid : jid + "@g.us", out var groupJid))
            {
                return Results.Problem(statusCode: 400, title: "Bad request", detail: "participants:add, :remove or :leave, with \"by\" (a phone) and \"participants\" (phones; none to leave).");
            }

            var by = Pn(request.By);
            var users = action == "leave" ? [by] : participants.Select(Pn).ToArray();
            try
            {
                var group = action == "add" ? groups.AddParticipants(groupJid, by, users) : groups.RemoveParticipants(groupJid, by, users);
                var change = GroupNotifications.Participants(action, users, accounts);
                await notifications.SendAsync(group, by, change, action == "add" ? [] : users, context.RequestAborted).ConfigureAwait(false);
                return Results.Json(ToResponse(group));
            }
            catch (GroupException e)
            {
                return Results.Problem(statusCode: e.Failure switch
                {
                    GroupFailure.UnknownAccount or GroupFailure.UnknownGroup => 404,
                    GroupFailure.NotAllowed => 403,
                    _ => 400,
                }, title: e.Failure.ToString(), detail: e.Message);
            }
        });
        admin.MapGet("/groups", () => Results.Json(groups.All.OrderBy(g => g.CreatedAt).Select(ToResponse).ToArray()));
        admin.MapGet("/groups/{jid}", (string jid) =>
            Jid.TryParse(jid.Contains('@', StringComparison.Ordinal) ? jid : jid + "@g.us", out var parsed) && groups.TryGet(parsed, out var group)
                ? Results.Json(ToResponse(group))
                : Results.Problem(statusCode: 404, title: "Not found", detail: $"No group {jid}."));
    }

    private static bool IsPhone(string phone) => phone.Length is >= 5 and <= 15 && phone[0] != '0' && phone.All(char.IsAsciiDigit);

    private static Jid Pn(string phone) => new(phone, JidServer.WhatsApp);

    private static GroupResponse ToResponse(Group group) => new(
        group.Jid.ToString(),
        group.Subject,
        group.Creator.ToString(),
        group.CreatedAt,
        [.. group.Participants.Select(p => new GroupParticipantResponse(p.Jid.ToString(), p.WireType ?? "member"))]);
}

/// <summary><c>POST /admin/groups</c> body.</summary>
public sealed record CreateGroupRequest(string? Subject, string? Creator, IReadOnlyList<string>? Participants);

/// <summary><c>POST /admin/groups/{jid}/participants:{action}</c> body: the acting member and whom it adds or removes.</summary>
public sealed record GroupMembersChangeRequest(string? By, IReadOnlyList<string>? Participants);

/// <summary>A group as the admin API shows it.</summary>
public sealed record GroupResponse(string Jid, string Subject, string Creator, DateTimeOffset CreatedAt, IReadOnlyList<GroupParticipantResponse> Participants);

/// <summary>A member: its PN jid and role (member, admin, superadmin).</summary>
public sealed record GroupParticipantResponse(string Jid, string Role);
