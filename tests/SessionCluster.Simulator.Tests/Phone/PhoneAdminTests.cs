using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Simulator.Phone;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests.Phone;

/// <summary>The phone's admin endpoints on an embedded simulator: two phones talk through the real relay; bad input gets problem responses.</summary>
public sealed class PhoneAdminTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Two_phones_talk_through_the_relay_and_list_what_they_received_and_the_receipts()
    {
        await using var host = await TestSimulator.StartAsync();
        await TestSimulator.CreateAccountAsync(host, "15550001111");
        await TestSimulator.CreateAccountAsync(host, "15550002222");
        using var http = new HttpClient();

        using var sent = await http.PostAsync(host.AdminUrl + "/accounts/15550001111/messages", TestSimulator.Json(new { to = "15550002222@s.whatsapp.net", text = "hi b" }));
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var response = await sent.Content.ReadFromJsonAsync<PhoneSendResponse>();
        Assert.Equal(("15550002222@s.whatsapp.net", 1), (response!.To, response.Devices));

        var atB = await WaitForAsync(() => http.GetFromJsonAsync<PhoneMessage[]>(host.AdminUrl + "/accounts/15550002222/messages"), m => m.Length == 1);
        Assert.Equal((response.Id, "15550001111@s.whatsapp.net", "hi b", false), (atB[0].Id, atB[0].Chat, atB[0].Text, atB[0].SentCopy));
        var receipts = await WaitForAsync(() => http.GetFromJsonAsync<PhoneReceipt[]>(host.AdminUrl + "/accounts/15550001111/receipts"), r => r.Length == 1);
        // The receipt comes from B's LID (B's phone is device 0: the bare LID).
        Assert.Equal((response.Id, host.Server.Accounts.Find("15550002222")!.Lid.ToString(), "delivery"), (receipts[0].Id, receipts[0].From, receipts[0].Type));

        // The answer goes by LID and on the session the first message started.
        var lidOfA = host.Server.Accounts.Find("15550001111")!.Lid.ToString();
        using var reply = await http.PostAsync(host.AdminUrl + "/accounts/15550002222/messages", TestSimulator.Json(new { to = lidOfA, text = "hi a" }));
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        var atA = await WaitForAsync(() => http.GetFromJsonAsync<PhoneMessage[]>(host.AdminUrl + "/accounts/15550001111/messages"), m => m.Length == 1);
        Assert.Equal("hi a", atA[0].Text);
        // The phone lists the sender by phone number, whichever form the message was addressed in.
        Assert.Equal(("15550002222@s.whatsapp.net", "15550002222@s.whatsapp.net"), (atA[0].Sender, atA[0].Chat));
    }

    [Theory]
    [InlineData("/accounts/15559999999/messages", """{"to":"15550002222@s.whatsapp.net","text":"x"}""", HttpStatusCode.NotFound)]
    [InlineData("/accounts/0123/messages", """{"to":"15550002222@s.whatsapp.net","text":"x"}""", HttpStatusCode.BadRequest)]
    [InlineData("/accounts/15550001111/messages", """{"to":"not a jid","text":"x"}""", HttpStatusCode.BadRequest)]
    [InlineData("/accounts/15550001111/messages", """{"to":"15550002222:3@s.whatsapp.net","text":"x"}""", HttpStatusCode.BadRequest)]
    [InlineData("/accounts/15550001111/messages", """{"to":"120363000000000001@g.us","text":"x"}""", HttpStatusCode.NotFound)]
    [InlineData("/accounts/15550001111/messages", """{"to":"15550002222@s.whatsapp.net","text":""}""", HttpStatusCode.BadRequest)]
    [InlineData("/accounts/15550001111/messages", """{"to":"15550002222@s.whatsapp.net"}""", HttpStatusCode.BadRequest)]
    [InlineData("/accounts/15550001111/messages", """{"to":"15559999999@s.whatsapp.net","text":"x"}""", HttpStatusCode.NotFound)]
    [InlineData("/accounts/15550001111/messages", """{"to":"15550001111@s.whatsapp.net","text":"x"}""", HttpStatusCode.BadRequest)]
    [InlineData("/accounts/15550001111/messages", """[1]""", HttpStatusCode.BadRequest)]
    public async Task Bad_sends_get_problem_responses(string path, string body, HttpStatusCode expected)
    {
        await using var host = await TestSimulator.StartAsync();
        await TestSimulator.CreateAccountAsync(host, "15550001111");
        await TestSimulator.CreateAccountAsync(host, "15550002222");
        using var http = new HttpClient();

        using var response = await http.PostAsync(host.AdminUrl + path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.Equal(0, host.Server.Stats.Snapshot(2, 0).StanzasRelayed);
    }

    [Fact]
    public async Task Reading_the_messages_of_an_unknown_account_is_not_found()
    {
        await using var host = await TestSimulator.StartAsync();
        using var http = new HttpClient();
        using var response = await http.GetAsync(host.AdminUrl + "/accounts/15559999999/messages");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var value = await read();
            if (value is not null && done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "The admin API did not show it in time.");
            await Task.Delay(50);
        }
    }
}
