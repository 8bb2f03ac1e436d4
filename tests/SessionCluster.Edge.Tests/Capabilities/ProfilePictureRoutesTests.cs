using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Edge.Tests.Linking;

namespace SessionCluster.Edge.Tests.Capabilities;

/// <summary><c>GET /v1/sessions/{id}/contacts/{jid}/picture</c>: a contact's picture URL through the session, 404 when it has none.</summary>
public sealed class ProfilePictureRoutesTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    private const string Owner = "15550801001";
    private const string Friend = "15550801002";
    private const string Stranger = "15550801003";

    [Fact]
    public async Task A_contacts_picture_is_its_url_a_contact_without_one_is_404_and_a_bad_jid_400()
    {
        await QrLinking.LinkAsync(node, "pictures", Owner);
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Friend);
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Stranger);
        using (var admin = new HttpClient())
        using (var set = await admin.PutAsJsonAsync($"{node.Simulator.AdminUrl}/accounts/{Friend}/picture", new { url = "https://pps.example.net/v/t61/friend.jpg" }))
        {
            Assert.True(set.IsSuccessStatusCode);
        }

        var picture = await node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/pictures/contacts/+{Friend}/picture");
        Assert.Equal("https://pps.example.net/v/t61/friend.jpg", picture.GetProperty("url").GetString());
        var preview = await node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/pictures/contacts/{Friend}@s.whatsapp.net/picture?preview=true");
        Assert.NotEqual(picture.GetProperty("url").GetString(), preview.GetProperty("url").GetString());

        using (var none = await node.Http.GetAsync($"/v1/sessions/pictures/contacts/{Stranger}/picture"))
        {
            await Problems.AssertAsync(none, HttpStatusCode.NotFound, "picture_not_found");
        }

        using var bad = await node.Http.GetAsync("/v1/sessions/pictures/contacts/not-a-number/picture");
        await Problems.AssertAsync(bad, HttpStatusCode.BadRequest, "invalid_request");
    }
}
