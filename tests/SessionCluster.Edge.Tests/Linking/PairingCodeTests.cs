using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Linking;

/// <summary>
/// <c>POST /v1/sessions/{id}/pairing-code</c>: the code the simulator's phone types links the session; bad numbers,
/// a second request while linking, a number without an account and an unknown session are problems with codes.
/// </summary>
public sealed class PairingCodeTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    private const string Owner = "15550003001";

    [Fact]
    public async Task The_code_the_phone_enters_links_the_session_and_its_event_carries_the_same_code()
    {
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Owner);
        await node.CreateSessionAsync("by-code");

        using var response = await node.Http.PostAsJsonAsync("/v1/sessions/by-code/pairing-code", new { phone = "+1 555-000-3001" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issued = await response.Content.ReadFromJsonAsync<JsonElement>();
        var code = issued.GetProperty("code").GetString()!;
        Assert.Equal(8, code.Length);
        Assert.True(issued.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);

        // A second request while the first link runs starts nothing.
        using (var again = await node.Http.PostAsJsonAsync("/v1/sessions/by-code/pairing-code", new { phone = Owner }))
        {
            await Problems.AssertAsync(again, HttpStatusCode.Conflict, "link_in_progress");
        }

        using (var http = new HttpClient { Timeout = EdgeNode.Deadline })
        using (var entered = await http.PostAsJsonAsync($"{node.Simulator.AdminUrl}/accounts/{Owner}/link-code", new { code }))
        {
            Assert.True(entered.StatusCode == HttpStatusCode.OK, $"the phone's code entry answered {(int)entered.StatusCode}: {await entered.Content.ReadAsStringAsync()}");
        }

        var events = await node.WaitForEventsAsync("by-code", e => e.Any(QrLinking.IsStatus("connected")), "session.status connected");
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "session.pairing_code" && e.GetProperty("payload").GetProperty("code").GetString() == code);
        var view = await node.Http.GetFromJsonAsync<JsonElement>("/v1/sessions/by-code");
        Assert.StartsWith(Owner, view.GetProperty("jid").GetString(), StringComparison.Ordinal);

        using var linked = await node.Http.PostAsJsonAsync("/v1/sessions/by-code/pairing-code", new { phone = Owner });
        await Problems.AssertAsync(linked, HttpStatusCode.Conflict, "session_linked");
    }

    [Fact]
    public async Task Bad_numbers_and_bodies_are_400_a_number_without_an_account_422_and_an_unknown_session_404()
    {
        await node.CreateSessionAsync("code-checks");

        foreach (var body in new object[] { new { }, new { phone = "" }, new { phone = "12" }, new { phone = "not a number" }, new { phone = "+1555000300112345678" } })
        {
            using var response = await node.Http.PostAsJsonAsync("/v1/sessions/code-checks/pairing-code", body);
            await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        }

        using (var unknownField = await node.Http.PostAsJsonAsync("/v1/sessions/code-checks/pairing-code", new { phone = Owner, extra = 1 }))
        {
            await Problems.AssertAsync(unknownField, HttpStatusCode.BadRequest, "invalid_request");
        }

        using (var noAccount = await node.Http.PostAsJsonAsync("/v1/sessions/code-checks/pairing-code", new { phone = "15550009999" }))
        {
            await Problems.AssertAsync(noAccount, HttpStatusCode.UnprocessableEntity, "pairing_refused");
        }

        // The refused attempt left the session free to link: its status is back at new.
        var view = await node.Http.GetFromJsonAsync<JsonElement>("/v1/sessions/code-checks");
        Assert.Equal("new", view.GetProperty("status").GetString());

        using var unknown = await node.Http.PostAsJsonAsync("/v1/sessions/nobody-code/pairing-code", new { phone = Owner });
        await Problems.AssertAsync(unknown, HttpStatusCode.NotFound, "session_not_found");
    }
}
