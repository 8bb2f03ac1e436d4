using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Linking;

/// <summary>
/// A linked session marks a received message read (the sender's phone gets the read receipt), then logs out: the
/// simulator no longer lists its device, its status is logged_out, and sends are refused. Bad input is a 4xx problem.
/// </summary>
public sealed class LinkEndAndReadTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    private const string Owner = "15550004001";
    private const string Friend = "15550004002";

    [Fact]
    public async Task A_received_message_marked_read_reaches_the_sender_as_a_read_receipt_and_logout_ends_the_link()
    {
        await QrLinking.LinkAsync(node, "reader", Owner);
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Friend);
        var sent = await PhoneChats.SendAsync(node, Friend, Owner, "please read me");
        var chat = (await PhoneChats.ReceivedAsync(node, "reader", sent)).GetProperty("chat").GetString()!;

        using (var read = await node.Http.PostAsJsonAsync($"/v1/sessions/reader/chats/{chat}:read", new { messageIds = new[] { sent } }))
        {
            Assert.True(read.StatusCode == HttpStatusCode.NoContent, $"mark read answered {(int)read.StatusCode}: {await read.Content.ReadAsStringAsync()}");
        }

        await PhoneChats.WaitForReceiptAsync(node, Friend, sent, "read");

        using (var logout = await node.Http.PostAsync("/v1/sessions/reader:logout", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var view = await node.Http.GetFromJsonAsync<JsonElement>("/v1/sessions/reader");
        Assert.Equal("logged_out", view.GetProperty("status").GetString());
        using (var http = new HttpClient())
        {
            var devices = await http.GetFromJsonAsync<JsonElement>($"{node.Simulator.AdminUrl}/accounts/{Owner}/devices");
            Assert.DoesNotContain(devices.EnumerateArray(), d => !d.GetProperty("primary").GetBoolean());
        }

        // Logged out already: the same answer, nothing else happens.
        using (var again = await node.Http.PostAsync("/v1/sessions/reader:logout", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        }

        using var afterLogout = await node.Http.PostAsJsonAsync($"/v1/sessions/reader/chats/{chat}:read", new { messageIds = new[] { sent } });
        await Problems.AssertAsync(afterLogout, HttpStatusCode.Conflict, "session_not_connected");
    }

    [Fact]
    public async Task Mark_read_and_logout_refuse_bad_input_an_unlinked_session_and_an_unknown_one()
    {
        await node.CreateSessionAsync("unlinked");
        const string chat = Friend + "@s.whatsapp.net";

        foreach (var body in new object[]
        {
            new { },
            new { messageIds = Array.Empty<string>() },
            new { messageIds = new[] { "" } },
            new { messageIds = Enumerable.Range(0, 101).Select(i => $"3EB0{i:X16}").ToArray() },
            new { messageIds = new[] { "3EB0A1" }, sender = "no-at-sign" },
        })
        {
            using var response = await node.Http.PostAsJsonAsync($"/v1/sessions/unlinked/chats/{chat}:read", body);
            await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        }

        using (var badChat = await node.Http.PostAsJsonAsync("/v1/sessions/unlinked/chats/123@g.us:read", new { messageIds = new[] { "3EB0A1" } }))
        {
            await Problems.AssertAsync(badChat, HttpStatusCode.BadRequest, "invalid_request");
        }

        using (var notConnected = await node.Http.PostAsJsonAsync($"/v1/sessions/unlinked/chats/{chat}:read", new { messageIds = new[] { "3EB0A1" } }))
        {
            await Problems.AssertAsync(notConnected, HttpStatusCode.Conflict, "session_not_connected");
        }

        using (var notLinked = await node.Http.PostAsync("/v1/sessions/unlinked:logout", null))
        {
            await Problems.AssertAsync(notLinked, HttpStatusCode.Conflict, "session_not_linked");
        }

        using (var unknownRead = await node.Http.PostAsJsonAsync($"/v1/sessions/nobody-read/chats/{chat}:read", new { messageIds = new[] { "3EB0A1" } }))
        {
            await Problems.AssertAsync(unknownRead, HttpStatusCode.NotFound, "session_not_found");
        }

        using var unknownLogout = await node.Http.PostAsync("/v1/sessions/nobody-logout:logout", null);
        await Problems.AssertAsync(unknownLogout, HttpStatusCode.NotFound, "session_not_found");
    }
}
