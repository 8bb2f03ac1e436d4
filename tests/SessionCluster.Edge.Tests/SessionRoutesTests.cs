using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SessionCluster.Edge.Tests;

/// <summary>Create, get and delete sessions, and the problems for bad input.</summary>
public sealed class SessionRoutesTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    [Fact]
    public async Task Create_get_create_again_delete_get_then_create_the_name_again_walks_201_200_409_204_404_201()
    {
        using var created = await node.Http.PostAsJsonAsync("/v1/sessions", new { id = "lifecycle", deviceName = "Desk", platform = "Firefox", markOnline = false });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/v1/sessions/lifecycle", created.Headers.Location?.OriginalString);
        var createdBody = await created.Content.ReadAsStringAsync();
        using (var view = JsonDocument.Parse(createdBody))
        {
            Assert.Equal("lifecycle", view.RootElement.GetProperty("id").GetString());
            Assert.Equal("new", view.RootElement.GetProperty("status").GetString());
            Assert.True(view.RootElement.GetProperty("createdAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
            Assert.Equal(JsonValueKind.Null, view.RootElement.GetProperty("jid").ValueKind);
        }

        Assert.DoesNotContain("identity", createdBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("key", createdBody, StringComparison.OrdinalIgnoreCase);

        using var got = await node.Http.GetAsync("/v1/sessions/lifecycle");
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        using (var view = JsonDocument.Parse(await got.Content.ReadAsStringAsync()))
        {
            Assert.Equal("lifecycle", view.RootElement.GetProperty("id").GetString());
            Assert.Equal("new", view.RootElement.GetProperty("status").GetString());
        }

        using var again = await node.Http.PostAsJsonAsync("/v1/sessions", new { id = "lifecycle" });
        await Problems.AssertAsync(again, HttpStatusCode.Conflict, "session_exists");

        using var deleted = await node.Http.DeleteAsync("/v1/sessions/lifecycle");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var gone = await node.Http.GetAsync("/v1/sessions/lifecycle");
        await Problems.AssertAsync(gone, HttpStatusCode.NotFound, "session_not_found");
        using var deletedAgain = await node.Http.DeleteAsync("/v1/sessions/lifecycle");
        await Problems.AssertAsync(deletedAgain, HttpStatusCode.NotFound, "session_not_found");

        // A deleted session's name is free again: the new session is another actor, with a log of its own from seq 1.
        using var recreate = await node.Http.PostAsJsonAsync("/v1/sessions", new { id = "lifecycle" });
        Assert.Equal(HttpStatusCode.Created, recreate.StatusCode);
        var events = await node.EventsAsync("lifecycle");
        Assert.Equal(1, events[0].GetProperty("seq").GetInt64());
        Assert.All(events, e => Assert.NotEqual("deleted", e.GetProperty("payload").TryGetProperty("status", out var s) ? s.GetString() : null));
    }

    [Fact]
    public async Task A_create_without_a_body_gets_a_generated_id_that_can_be_read_back()
    {
        using var created = await node.Http.PostAsync("/v1/sessions", null);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var view = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = view.RootElement.GetProperty("id").GetString()!;
        Assert.StartsWith("s-", id, StringComparison.Ordinal);
        using var got = await node.Http.GetAsync($"/v1/sessions/{id}");
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
    }

    [Fact]
    public async Task Unknown_sessions_are_404_on_get_and_delete()
    {
        using var get = await node.Http.GetAsync("/v1/sessions/nobody-here");
        await Problems.AssertAsync(get, HttpStatusCode.NotFound, "session_not_found");
        using var delete = await node.Http.DeleteAsync("/v1/sessions/nobody-here");
        await Problems.AssertAsync(delete, HttpStatusCode.NotFound, "session_not_found");
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("-leading-dash")]
    [InlineData(".hidden")]
    [InlineData("slash/inside")]
    [InlineData("")]
    [InlineData("a-very-long-id-that-is-longer-than-sixty-four-characters-in-total-x")]
    public async Task A_create_with_an_id_the_api_does_not_accept_is_400_invalid_request(string id)
    {
        using var response = await node.Http.PostAsJsonAsync("/v1/sessions", new { id });

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("/v1/sessions/-bad")]
    [InlineData("/v1/sessions/b%20d")]
    [InlineData("/v1/sessions/a-very-long-id-that-is-longer-than-sixty-four-characters-in-total-x")]
    public async Task A_bad_id_in_the_path_is_400_invalid_request(string path)
    {
        using var get = await node.Http.GetAsync(path);
        await Problems.AssertAsync(get, HttpStatusCode.BadRequest, "invalid_request");
        using var events = await node.Http.GetAsync(path + "/events");
        await Problems.AssertAsync(events, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("{\"id\": ")]
    [InlineData("not json")]
    [InlineData("{\"id\": 42}")]
    [InlineData("{\"unknown\": true}")]
    [InlineData("{\"deviceName\": \"\"}")]
    [InlineData("[]")]
    public async Task A_create_whose_body_is_not_the_expected_json_is_400_invalid_request(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await node.Http.PostAsync("/v1/sessions", content);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task A_create_whose_body_is_not_json_content_is_400()
    {
        using var content = new StringContent("id=x", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await node.Http.PostAsync("/v1/sessions", content);

        await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }
}
