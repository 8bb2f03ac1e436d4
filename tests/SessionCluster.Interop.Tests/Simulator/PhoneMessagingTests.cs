using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Simulator;
using SessionCluster.Simulator.Phone;
using Xunit.Abstractions;
using static SessionCluster.Interop.Tests.Simulator.SimulatorInteropSupport;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// The phone the simulator plays (device 0, the project's Signal engine) and a real Baileys 7.0.0-rc14 companion talk
/// through the simulator's relay: the phone of account A and a Baileys companion of account B exchange texts both ways,
/// and what the companion sends arrives on B's own phone as a <c>deviceSentMessage</c> copy.
/// </summary>
[Trait("Category", "Interop")]
public sealed class PhoneMessagingTests(ITestOutputHelper output) : SimulatorInteropTest(output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string PhoneA = "15550001111";
    private const string PhoneB = "15550002222";

    [Fact]
    public async Task The_phone_and_a_Baileys_companion_of_another_account_exchange_messages_both_ways()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await CreateAccountAsync(http, host, PhoneA);
        await CreateAccountAsync(http, host, PhoneB);
        await using var b = await LinkBaileysAsync(http, host, PhoneB);

        // Phone A → Baileys B.
        using (var sent = await http.PostAsync($"{host.AdminUrl}/accounts/{PhoneA}/messages", Json(new { to = PhoneB + "@s.whatsapp.net", text = "hello from the phone" })))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
            var response = await sent.Content.ReadFromJsonAsync<PhoneSendResponse>();
            Assert.Matches("^3EB0[0-9A-F]{18}$", response!.Id);
            var atB = await b.WaitForMessageAsync(m => m.Key.Id == response.Id, "the phone's message", Timeout);
            Assert.Equal("hello from the phone", atB.Text);
            Assert.False(atB.Key.FromMe);
            Assert.False(atB.IsDecryptFailure);
            await WaitUntilAsync(async () => (await ReceiptsAsync(http, host, PhoneA)).Any(r => r.Id == response.Id));
        }

        // Baileys B → phone A, twice (the second on the session the first started).
        var first = await b.SendTextAsync(PhoneA + "@s.whatsapp.net", "hello phone");
        var second = await b.SendTextAsync(PhoneA + "@s.whatsapp.net", "and again");
        await WaitUntilAsync(async () => (await PhoneMessagesAsync(http, host, PhoneA)).Count(m => m.Id == first.Id || m.Id == second.Id) == 2);
        var atA = await PhoneMessagesAsync(http, host, PhoneA);
        var one = atA.Single(m => m.Id == first.Id);
        Assert.Equal(("hello phone", PhoneB + "@s.whatsapp.net", false), (one.Text, one.Chat, one.SentCopy));
        Assert.StartsWith(PhoneB + ":", one.Sender, StringComparison.Ordinal);
        Assert.Equal("and again", atA.Single(m => m.Id == second.Id).Text);
        Assert.Empty(b.Errors);
    }

    [Fact]
    public async Task A_Baileys_companion_message_arrives_on_its_own_phone_as_a_sent_copy()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await CreateAccountAsync(http, host, PhoneA);
        await CreateAccountAsync(http, host, PhoneB);
        await using var b = await LinkBaileysAsync(http, host, PhoneB);

        var sent = await b.SendTextAsync(PhoneA + "@s.whatsapp.net", "copied to my phone");

        await WaitUntilAsync(async () => (await PhoneMessagesAsync(http, host, PhoneB)).Any(m => m.Id == sent.Id));
        var copy = (await PhoneMessagesAsync(http, host, PhoneB)).Single(m => m.Id == sent.Id);
        Assert.True(copy.SentCopy);
        Assert.Equal(("copied to my phone", PhoneA + "@s.whatsapp.net", "text"), (copy.Text, copy.Chat, copy.Kind));
        Assert.StartsWith(PhoneB + ":", copy.Sender, StringComparison.Ordinal);
        // And the recipient's phone has it as an ordinary message.
        await WaitUntilAsync(async () => (await PhoneMessagesAsync(http, host, PhoneA)).Any(m => m.Id == sent.Id && !m.SentCopy));
        Assert.Empty(b.Errors);
    }

    [Fact]
    public async Task A_phone_message_the_Baileys_companion_cannot_decrypt_is_resent_after_its_retry_receipt()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await CreateAccountAsync(http, host, PhoneA);
        await CreateAccountAsync(http, host, PhoneB);
        await using var b = await LinkBaileysAsync(http, host, PhoneB);
        var first = await SendFromPhoneAsync(http, host, "before the loss");
        Assert.Equal("before the loss", (await b.WaitForMessageAsync(m => m.Key.Id == first && !m.IsDecryptFailure, "the first message", Timeout)).Text);

        Assert.NotEmpty(await b.DropSessionAsync(PhoneA + "@s.whatsapp.net"));
        var second = await SendFromPhoneAsync(http, host, "after the loss");

        var recovered = await b.WaitForMessageAsync(m => m.Key.Id == second && !m.IsDecryptFailure && m.Text is not null, "the resent message", Timeout);
        Assert.Equal("after the loss", recovered.Text);
        var receipts = await ReceiptsAsync(http, host, PhoneA);
        Assert.Contains(receipts, r => r.Id == second && r.Type == "retry");
        Assert.Empty(b.Errors);
    }

    [Fact]
    public async Task The_phones_history_sync_ends_the_wait_Baileys_starts_after_its_firstLogsin()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await CreateAccountAsync(http, host, PhoneA);
        await CreateAccountAsync(http, host, PhoneB);
        // Baileys' own default: after the first login it buffers messages until the phone's history sync (or 20 s).
        await using var b = await LinkBaileysAsync(http, host, PhoneB, skipHistorySync: false);
        var opened = System.Diagnostics.Stopwatch.StartNew();

        using (var sync = await http.PostAsync($"{host.AdminUrl}/accounts/{PhoneB}/history-sync", null))
        {
            Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
            Assert.Equal(1, (await sync.Content.ReadFromJsonAsync<HistorySyncResponse>())!.Devices);
        }

        var id = await SendFromPhoneAsync(http, host, "no 20 s wait");
        var atB = await b.WaitForMessageAsync(m => m.Key.Id == id, "the phone's message", Timeout);
        Assert.Equal("no 20 s wait", atB.Text);
        Assert.True(opened.Elapsed < TimeSpan.FromSeconds(12), $"The message took {opened.Elapsed} after open: Baileys still waited for a history sync.");
        Assert.Empty(b.Errors);
    }

    [Fact]
    public async Task The_phone_and_a_Baileys_companion_talk_in_a_group()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await CreateAccountAsync(http, host, PhoneA);
        await CreateAccountAsync(http, host, PhoneB);
        await using var b = await LinkBaileysAsync(http, host, PhoneB);
        string group;
        using (var created = await http.PostAsync(host.AdminUrl + "/groups", Json(new { subject = "phone and baileys", creator = PhoneA, participants = new[] { PhoneB } })))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            group = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jid").GetString()!;
        }

        using (var sent = await http.PostAsync($"{host.AdminUrl}/accounts/{PhoneA}/messages", Json(new { to = group, text = "hello group from the phone" })))
        {
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
            var id = (await sent.Content.ReadFromJsonAsync<PhoneSendResponse>())!.Id;
            var atB = await b.WaitForMessageAsync(m => m.Key.Id == id && !m.IsDecryptFailure, "the phone's group message", Timeout);
            Assert.Equal(("hello group from the phone", group), (atB.Text, atB.Key.RemoteJid));
        }

        var fromB = await b.SendTextAsync(group, "hello group from baileys");
        await WaitUntilAsync(async () => (await PhoneMessagesAsync(http, host, PhoneA)).Any(m => m.Id == fromB.Id));
        var atA = (await PhoneMessagesAsync(http, host, PhoneA)).Single(m => m.Id == fromB.Id);
        Assert.Equal(("hello group from baileys", group, false), (atA.Text, atA.Chat, atA.SentCopy));
        Assert.Empty(b.Errors);
    }

    private static async Task<string> SendFromPhoneAsync(HttpClient http, SimulatorHost host, string text)
    {
        using var sent = await http.PostAsync($"{host.AdminUrl}/accounts/{PhoneA}/messages", Json(new { to = PhoneB + "@s.whatsapp.net", text }));
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        return (await sent.Content.ReadFromJsonAsync<PhoneSendResponse>())!.Id;
    }

    private async Task<BaileysClient> LinkBaileysAsync(HttpClient http, SimulatorHost host, string phone, bool skipHistorySync = true)
    {
        var client = await BaileysClient.StartAsync(
            host.WebSocketUrl,
            host.RootPublicKey,
            Path.Combine(Folder, phone),
            new BaileysClientOptions { LogLevel = "info", StderrLine = line => Logs.Write("baileys: " + line), SkipHistorySync = skipHistorySync, WaitTimeout = Timeout });
        try
        {
            var qr = await client.WaitForQrAsync(Timeout);
            using var link = await http.PostAsync($"{host.AdminUrl}/accounts/{phone}/link", Json(new { qr = qr.Qr }));
            Assert.Equal(HttpStatusCode.OK, link.StatusCode);
            await client.WaitForOpenAsync(Timeout);
            // The prekey upload lands before the companion can be messaged.
            await WaitUntilAsync(async () => (await http.GetFromJsonAsync<DeviceResponse[]>($"{host.AdminUrl}/accounts/{phone}/devices"))!.Any(d => !d.Primary && d.PreKeys > 0));
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private static async Task<PhoneReceipt[]> ReceiptsAsync(HttpClient http, SimulatorHost host, string phone) =>
        await http.GetFromJsonAsync<PhoneReceipt[]>($"{host.AdminUrl}/accounts/{phone}/receipts") ?? [];
}
