using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Edge.Tests.Linking;

namespace SessionCluster.Edge.Tests.Groups;

/// <summary>
/// Group management through REST against the simulator's groups: create with members named by phone number, read,
/// change subject and description, promote, demote and remove members, the invite link and its reset, leave; and the
/// refusals as problems with stable codes.
/// </summary>
public sealed class GroupRoutesTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    private const string Owner = "15550701001";
    private const string Bob = "15550701002";
    private const string Carol = "15550701003";
    private const string Session = "groups";

    [Fact]
    public async Task A_group_is_created_changed_shared_and_left_through_the_routes()
    {
        await QrLinking.LinkAsync(node, Session, Owner);
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Bob);
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Carol);

        using var created = await node.Http.PostAsJsonAsync($"/v1/sessions/{Session}/groups", new { subject = "Support", participants = new[] { "+" + Bob, Carol + "@s.whatsapp.net" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var group = await created.Content.ReadFromJsonAsync<JsonElement>();
        var jid = group.GetProperty("jid").GetString()!;
        Assert.Equal($"/v1/sessions/{Session}/groups/{jid}", created.Headers.Location!.OriginalString);
        Assert.Equal("Support", group.GetProperty("subject").GetString());
        Assert.Equal(["superadmin", "member", "member"], group.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("role").GetString()));
        Assert.Contains(group.GetProperty("participants").EnumerateArray(), p => p.GetProperty("phone").GetString() == Bob + "@s.whatsapp.net");

        using (var patched = await node.Http.PatchAsJsonAsync($"/v1/sessions/{Session}/groups/{jid}", new { subject = "Support desk", description = "Ask us anything" }))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
            var view = await patched.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(("Support desk", "Ask us anything"), (view.GetProperty("subject").GetString(), view.GetProperty("description").GetString()));
        }

        // A text to the group goes through the send route like any other, with the group's jid as `to`.
        using (var send = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{Session}/messages")
        {
            Content = JsonContent.Create(new { to = jid, type = "text", text = "hello support" }),
        })
        {
            send.Headers.Add("Idempotency-Key", "group-hello");
            using var sent = await node.Http.SendAsync(send);
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
            var id = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            foreach (var member in new[] { Bob, Carol })
            {
                var received = await Eventually.WaitForAsync(() => SimulatorPhones.MessagesAsync(node.Simulator, member), m => m.Any(x => x.Id == id), $"{member} to read the group text");
                Assert.Equal((jid, "hello support"), (received.Single(x => x.Id == id).Chat, received.Single(x => x.Id == id).Text));
            }
        }

        using (var promoted = await node.Http.PostAsJsonAsync($"/v1/sessions/{Session}/groups/{jid}/participants:promote", new { participants = new[] { Carol } }))
        {
            Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
            Assert.All((await promoted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("participants").EnumerateArray(), p => Assert.Equal(200, p.GetProperty("status").GetInt32()));
        }

        using (var removed = await node.Http.PostAsJsonAsync($"/v1/sessions/{Session}/groups/{jid}/participants:remove", new { participants = new[] { Bob } }))
        {
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        }

        var read = await node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/groups/{jid}");
        Assert.Equal(2, read.GetProperty("participants").GetArrayLength());
        Assert.Equal("admin", read.GetProperty("participants").EnumerateArray().Single(p => p.GetProperty("phone").GetString() == Carol + "@s.whatsapp.net").GetProperty("role").GetString());
        using (var demoted = await node.Http.PostAsJsonAsync($"/v1/sessions/{Session}/groups/{jid}/participants:demote", new { participants = new[] { Carol } }))
        {
            Assert.Equal(HttpStatusCode.OK, demoted.StatusCode);
        }

        read = await node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/groups/{jid}");
        Assert.Equal("member", read.GetProperty("participants").EnumerateArray().Single(p => p.GetProperty("phone").GetString() == Carol + "@s.whatsapp.net").GetProperty("role").GetString());

        var invite = await node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/groups/{jid}/invite");
        Assert.StartsWith("https://chat.whatsapp.com/", invite.GetProperty("link").GetString(), StringComparison.Ordinal);
        using (var reset = await node.Http.PostAsync($"/v1/sessions/{Session}/groups/{jid}/invite:reset", null))
        {
            Assert.NotEqual(invite.GetProperty("code").GetString(), (await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        using (var left = await node.Http.PostAsync($"/v1/sessions/{Session}/groups/{jid}:leave", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);
        }

        using var outsider = await node.Http.GetAsync($"/v1/sessions/{Session}/groups/{jid}");
        await Problems.AssertAsync(outsider, HttpStatusCode.Forbidden, "group_forbidden");
    }

    [Fact]
    public async Task Bad_requests_unknown_groups_and_unlinked_sessions_are_problems_with_stable_codes()
    {
        await node.CreateSessionAsync("groups-unlinked");
        using (var unlinked = await node.Http.PostAsJsonAsync("/v1/sessions/groups-unlinked/groups", new { subject = "x" }))
        {
            await Problems.AssertAsync(unlinked, HttpStatusCode.Conflict, "session_not_linked");
        }

        await QrLinking.LinkAsync(node, "groups-checks", "15550701009");
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
        {
            (HttpMethod.Post, "/v1/sessions/groups-checks/groups", new { subject = "" }),
            (HttpMethod.Post, "/v1/sessions/groups-checks/groups", new { subject = "x", participants = new[] { "not a number" } }),
            (HttpMethod.Post, "/v1/sessions/groups-checks/groups/120363000000000001@g.us/participants:kick", new { participants = new[] { Bob } }),
            (HttpMethod.Post, "/v1/sessions/groups-checks/groups/120363000000000001@g.us/participants:add", new { participants = Array.Empty<string>() }),
            (HttpMethod.Patch, "/v1/sessions/groups-checks/groups/120363000000000001@g.us", new { }),
            (HttpMethod.Get, "/v1/sessions/groups-checks/groups/15550701002@s.whatsapp.net", null),
        })
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await node.Http.SendAsync(request);
            await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        }

        using var unknown = await node.Http.GetAsync("/v1/sessions/groups-checks/groups/120363000000000001@g.us");
        await Problems.AssertAsync(unknown, HttpStatusCode.NotFound, "group_not_found");
    }
}
