using System.Net;
using System.Net.Http.Headers;

namespace SessionCluster.Edge.Tests;

/// <summary>Every <c>/v1</c> route needs the admin key as a bearer token.</summary>
public sealed class AuthTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    [Theory]
    [InlineData("GET", "/v1/sessions/someone")]
    [InlineData("POST", "/v1/sessions")]
    [InlineData("DELETE", "/v1/sessions/someone")]
    [InlineData("GET", "/v1/sessions/someone/qr")]
    [InlineData("POST", "/v1/sessions/someone/messages")]
    [InlineData("GET", "/v1/sessions/someone/events")]
    public async Task A_request_without_a_key_is_refused_401_with_code_unauthorized(string method, string path)
    {
        using var response = await node.Anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await Problems.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("Bearer", "wrong-key")]
    [InlineData("Bearer", EdgeNode.AdminKey + "x")]
    [InlineData("Basic", EdgeNode.AdminKey)]
    public async Task A_wrong_key_or_scheme_is_refused_401(string scheme, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/sessions/someone");
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, key);

        using var response = await node.Anonymous.SendAsync(request);

        await Problems.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task The_admin_key_is_let_through_to_the_route()
    {
        using var response = await node.Http.GetAsync("/v1/sessions/never-created-auth");

        await Problems.AssertAsync(response, HttpStatusCode.NotFound, "session_not_found");
    }

    [Fact]
    public async Task Health_stays_open_without_a_key()
    {
        using var response = await node.Anonymous.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
