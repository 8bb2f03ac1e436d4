using System.Net;
using System.Net.Http.Json;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Tests.Support;
using SessionCluster.Simulator.Linking;

namespace SessionCluster.Simulator.Tests.LinkCode;

public sealed class LinkCodeLinkingTests
{
    private const string Code = "ABCD-EFGH";

    [Fact]
    public async Task A_companion_links_by_code_through_the_admin_api_and_then_logs_in()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var companion = new LinkCodeCompanion(device, phone, Code);
        var (connection, _) = await TestLinking.RegisterAsync(host, device);
        LinkedCompanion? linked;
        await using (connection)
        {
            var reference = await HelloAsync(connection, companion);
            Assert.StartsWith("2@", System.Text.Encoding.ASCII.GetString(reference));

            using var http = new HttpClient();
            var post = http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link-code", TestSimulator.Json(new { code = Code }));
            var notification = await connection.ReceiveAsync();
            Assert.Equal("notification", notification.Tag);
            Assert.Equal("link_code_companion_reg", notification.GetString("type"));
            var reg = notification.GetChild("link_code_companion_reg");
            Assert.Equal(reference, reg.GetChild("link_code_pairing_ref").Bytes.ToArray());
            Assert.Equal(80, reg.GetChild("link_code_pairing_wrapped_primary_ephemeral_pub").Bytes.Length);
            Assert.Equal(32, reg.GetChild("primary_identity_pub").Bytes.Length);

            var finishId = connection.NextId();
            await connection.SendAsync(companion.Finish(finishId, notification));
            var finishAnswer = await connection.ReceiveAsync();
            Assert.Equal(finishId, finishAnswer.GetString("id"));
            Assert.Equal("result", finishAnswer.GetString("type"));
            // Baileys acks the notification once its finish is answered, still before login.
            await connection.SendAsync(new Node("ack", [("id", notification.GetString("id")), ("to", "s.whatsapp.net"), ("class", "notification"), ("type", "link_code_companion_reg")]));

            var pairSuccess = await connection.ReceiveAsync();
            Assert.Equal("pair-success", pairSuccess.Children[0].Tag);
            await connection.SendAsync(companion.AnswerPairSuccess(pairSuccess));
            using var response = await post;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            linked = await response.Content.ReadFromJsonAsync<LinkedCompanion>();
            Assert.NotNull(linked);
            Assert.Equal($"{phone}:{linked.Device}@s.whatsapp.net", linked.Jid);
            var restart = await connection.ReceiveAsync();
            Assert.Equal("stream:error", restart.Tag);
            Assert.Equal("515", restart.GetString("code"));
        }

        var (login, success) = await TestLinking.LoginAsync(host, phone, linked.Device, device);
        await using (login)
        {
            Assert.Equal(linked.Lid, success.GetString("lid"));
        }
    }

    [Fact]
    public async Task A_wrong_code_fails_at_the_finish_links_nothing_and_the_connection_still_links_by_QR()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var companion = new LinkCodeCompanion(device, phone, Code);
        var (connection, refs) = await TestLinking.RegisterAsync(host, device);
        await using (connection)
        {
            await HelloAsync(connection, companion);
            using var http = new HttpClient();
            var post = http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link-code", TestSimulator.Json(new { code = "ABCD-EFGJ" }));
            var notification = await connection.ReceiveAsync();
            var finishId = connection.NextId();
            await connection.SendAsync(companion.Finish(finishId, notification));
            var finishAnswer = await connection.ReceiveAsync();
            Assert.Equal(finishId, finishAnswer.GetString("id"));
            Assert.Equal("error", finishAnswer.GetString("type"));
            Assert.Equal("401", finishAnswer.GetChild("error").GetString("code"));
            using (var response = await post)
            {
                Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            }

            var devices = await http.GetFromJsonAsync<DeviceResponse[]>($"{host.AdminUrl}/accounts/{phone}/devices");
            Assert.Single(devices!);

            // The pending pairing is gone; the connection's refs still link by QR.
            using (var again = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link-code", TestSimulator.Json(new { code = Code })))
            {
                Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
            }

            using var scan = await TestLinking.ScanAsync(host, phone, device, connection, refs[0]);
            Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        }
    }

    [Fact]
    public async Task A_hello_for_an_unknown_number_or_with_another_noise_key_is_refused_and_the_connection_keeps_serving()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var (connection, _) = await TestLinking.RegisterAsync(host, device);
        await using (connection)
        {
            var unknown = new LinkCodeCompanion(device, "15559999999", Code);
            var id = connection.NextId();
            await connection.SendAsync(unknown.Hello(id));
            var answer = await connection.ReceiveAsync();
            Assert.Equal("error", answer.GetString("type"));
            Assert.Equal("404", answer.GetChild("error").GetString("code"));

            id = connection.NextId();
            await connection.SendAsync(new LinkCodeCompanion(device, phone, Code).Hello(id, new TestDevice().Noise.PublicKey));
            answer = await connection.ReceiveAsync();
            Assert.Equal("error", answer.GetString("type"));
            Assert.Equal("400", answer.GetChild("error").GetString("code"));

            await HelloAsync(connection, new LinkCodeCompanion(device, phone, Code));
        }
    }

    [Theory]
    [InlineData("ABCD-EFG0", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.BadRequest)]
    [InlineData("ABCD-EFGH", HttpStatusCode.NotFound)]
    public async Task The_admin_call_refuses_a_bad_code_or_a_number_no_companion_waits_for(string code, HttpStatusCode expected)
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        using var http = new HttpClient();
        using var response = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link-code", TestSimulator.Json(new { code }));
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_finish_without_the_phones_hello_is_refused()
    {
        await using var host = await TestSimulator.StartAsync();
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var (connection, _) = await TestLinking.RegisterAsync(host, device);
        await using (connection)
        {
            var reference = await HelloAsync(connection, new LinkCodeCompanion(device, phone, Code));
            var id = connection.NextId();
            await connection.SendAsync(new Node(
                "iq",
                [("to", "s.whatsapp.net"), ("type", "set"), ("id", id), ("xmlns", "md")],
                [new Node("link_code_companion_reg", [("jid", phone + "@s.whatsapp.net"), ("stage", "companion_finish")],
                [
                    new Node("link_code_pairing_wrapped_key_bundle", null, new byte[156]),
                    new Node("companion_identity_public", null, device.Identity.PublicKey),
                    new Node("link_code_pairing_ref", null, reference),
                ])]));
            var answer = await connection.ReceiveAsync();
            Assert.Equal("error", answer.GetString("type"));
            Assert.Equal("400", answer.GetChild("error").GetString("code"));
        }
    }

    [Fact]
    public async Task A_companion_leaving_before_its_finish_ends_the_admin_call_with_409_at_once()
    {
        await using var host = await TestSimulator.StartAsync(new SimulatorOptions { IqReplyTimeout = TimeSpan.FromSeconds(30) });
        var phone = await TestSimulator.CreateAccountAsync(host);
        var device = new TestDevice();
        var (connection, _) = await TestLinking.RegisterAsync(host, device);
        await HelloAsync(connection, new LinkCodeCompanion(device, phone, Code));
        using var http = new HttpClient();
        var post = http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link-code", TestSimulator.Json(new { code = Code }));
        Assert.Equal("notification", (await connection.ReceiveAsync()).Tag);
        var left = System.Diagnostics.Stopwatch.StartNew();
        await connection.DisposeAsync();
        using var response = await post;
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.True(left.Elapsed < TimeSpan.FromSeconds(10), $"took {left.Elapsed}");
    }

    private static async Task<byte[]> HelloAsync(TestConnection connection, LinkCodeCompanion companion)
    {
        var id = connection.NextId();
        await connection.SendAsync(companion.Hello(id));
        var answer = await connection.ReceiveAsync();
        Assert.Equal(id, answer.GetString("id"));
        Assert.Equal("result", answer.GetString("type"));
        return answer.GetChild("link_code_companion_reg").GetChild("link_code_pairing_ref").Bytes.ToArray();
    }
}
