using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Linking;

/// <summary>
/// <c>GET /v1/sessions/{id}/qr</c> by <c>Accept</c>: the PNG and the terminal text are read back with ZXing.Net and
/// hold exactly the QR string the JSON answers; the text has the module count of a QR symbol and its quiet zone.
/// </summary>
public sealed class QrRenderingTests(EdgeNode node) : IClassFixture<EdgeNode>
{
    [Fact]
    public async Task The_png_and_the_terminal_text_decode_to_the_same_qr_string_as_the_json()
    {
        await node.CreateSessionAsync("qr-renderings");
        var json = await node.Http.GetFromJsonAsync<JsonElement>("/v1/sessions/qr-renderings/qr");
        var qr = json.GetProperty("qr").GetString()!;
        var expiresAt = json.GetProperty("expiresAt").GetDateTimeOffset();

        using var png = await GetAsync("image/png");
        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.True(png.Headers.CacheControl?.NoStore, "a QR image must not be cached");
        Assert.Equal(expiresAt.ToUnixTimeSeconds(), png.Content.Headers.Expires?.ToUnixTimeSeconds());
        var (pixels, width, height) = PngLuminance.Read(await png.Content.ReadAsByteArrayAsync());
        Assert.Equal(qr, QrDecoding.Decode(pixels, width, height));

        using var text = await GetAsync("text/plain");
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Equal("text/plain", text.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", text.Content.Headers.ContentType?.CharSet);
        var terminal = await text.Content.ReadAsStringAsync();
        var lines = terminal.TrimEnd('\n').Split('\n');
        var columns = lines[0].Length;
        Assert.All(lines, line => Assert.Equal(columns, line.Length));

        // A QR symbol of version v is 4v + 17 modules wide; the rendering adds a 4-module quiet zone on each side and
        // draws two module rows per line. The PNG draws the same modules at 10 pixels each.
        var symbol = columns - 8;
        Assert.True(symbol >= 21 && (symbol - 17) % 4 == 0, $"{columns} columns is no QR symbol plus its quiet zone");
        Assert.Equal((columns + 1) / 2, lines.Length);
        Assert.Equal(columns * 10, width);
        Assert.Equal(columns * 10, height);
        var modules = QrDecoding.ModulesOfTerminalText(terminal);
        Assert.All(modules.Take(4).Concat(modules.Skip(4 + symbol)), row => Assert.DoesNotContain(true, row));
        Assert.Equal(qr, QrDecoding.Decode(modules));
    }

    [Fact]
    public async Task Accept_picks_the_rendering_by_quality_defaults_to_json_and_refuses_what_it_cannot_serve_with_406()
    {
        await node.CreateSessionAsync("qr-accept");

        using (var preferred = await GetAsync("image/png;q=0.4, text/plain;q=0.9, application/json;q=0.1", "qr-accept"))
        {
            Assert.Equal("text/plain", preferred.Content.Headers.ContentType?.MediaType);
        }

        using (var any = await GetAsync("*/*", "qr-accept"))
        {
            Assert.Equal("application/json", any.Content.Headers.ContentType?.MediaType);
        }

        using (var images = await GetAsync("image/*", "qr-accept"))
        {
            Assert.Equal("image/png", images.Content.Headers.ContentType?.MediaType);
        }

        using (var xml = await GetAsync("application/xml", "qr-accept"))
        {
            await Problems.AssertAsync(xml, HttpStatusCode.NotAcceptable, "not_acceptable");
        }

        using (var refusedPng = await GetAsync("image/png;q=0, */*;q=0.1", "qr-accept"))
        {
            Assert.Equal("application/json", refusedPng.Content.Headers.ContentType?.MediaType);
        }

        using var unknown = await GetAsync("image/png", "nobody-qr-png");
        await Problems.AssertAsync(unknown, HttpStatusCode.NotFound, "session_not_found");
    }

    private async Task<HttpResponseMessage> GetAsync(string accept, string session = "qr-renderings")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/sessions/{session}/qr");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return await node.Http.SendAsync(request);
    }
}
