using System.Globalization;
using System.Net.Http.Json;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Interop.Tests.Simulator.SimulatorInteropSupport;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// Groups with real Baileys clients: A creates a group with B over w:g2, both see the same metadata, and group messages
/// (skmsg with the sender-key distribution per device, fanned out by the relay to every member's devices) decrypt at
/// the other member, both ways.
/// </summary>
[Trait("Category", "Interop")]
public sealed class GroupTests(ITestOutputHelper output) : SimulatorInteropTest(output)
{
    [Fact]
    public async Task Messages_in_a_group_of_two_Baileys_members_decrypt_at_the_other_member()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        var phoneA = await CreateAccountAsync(http, host, "15550001111");
        var phoneB = await CreateAccountAsync(http, host, "15550002222");
        var (a, _) = await StartLinkedAsync(http, host, phoneA, Path.Combine(Folder, "a"), Logs.Options("a"));
        await using (a)
        {
            var (b, _) = await StartLinkedAsync(http, host, phoneB, Path.Combine(Folder, "b"), Logs.Options("b"));
            await using (b)
            {
                var created = await a.GroupCreateAsync("Simulated", [phoneB + "@s.whatsapp.net"]);
                var jid = created.GetProperty("id").GetString()!;
                Assert.EndsWith("@g.us", jid, StringComparison.Ordinal);
                var metadata = await b.GroupMetadataAsync(jid);
                Assert.Equal("Simulated", metadata.GetProperty("subject").GetString());
                Assert.Equal(2, metadata.GetProperty("participants").GetArrayLength());

                for (var i = 0; i < 5; i++)
                {
                    var text = "a in group " + i.ToString(CultureInfo.InvariantCulture);
                    var sent = await a.SendTextAsync(jid, text);
                    var atB = await b.WaitForMessageAsync(m => m.Key.Id == sent.Id && m.Text is not null, text, WaitLimit);
                    Assert.Equal(text, atB.Text);
                    Assert.Equal(jid, atB.Key.RemoteJid);
                    // B's delivery receipt (to=group participant=A's device) reaches A as a group receipt naming B by its LID
                    // (the group is in LID addressing mode).
                    var sentId = sent.Id;
                    var lidB = host.Server.Accounts.Find(phoneB)!.Lid.ToString();
                    await a.WaitForReceiptAsync(r => r.Key.Id == sentId && r.UserJid == lidB, "B's receipt for " + text, WaitLimit);

                    text = "b in group " + i.ToString(CultureInfo.InvariantCulture);
                    sent = await b.SendTextAsync(jid, text);
                    var atA = await a.WaitForMessageAsync(m => m.Key.Id == sent.Id && m.Text is not null, text, WaitLimit);
                    Assert.Equal(text, atA.Text);
                }

                Assert.Empty(a.Errors);
                Assert.Empty(b.Errors);
                var group = await http.GetFromJsonAsync<SessionCluster.Simulator.Groups.GroupResponse>($"{host.AdminUrl}/groups/{jid}");
                Assert.Equal(2, group!.Participants.Count);
                var stats = await http.GetFromJsonAsync<StatsSnapshot>(host.AdminUrl + "/stats");
                Assert.Equal(0, stats!.RelayErrors);
            }
        }
    }

    [Fact]
    public async Task A_group_of_two_Baileys_members_and_phone_C_every_members_messages_decrypt_at_every_other_member()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        var phoneA = await CreateAccountAsync(http, host, "15550001111");
        var phoneB = await CreateAccountAsync(http, host, "15550002222");
        var phoneC = await CreateAccountAsync(http, host, "15550003333");
        var (a, _) = await StartLinkedAsync(http, host, phoneA, Path.Combine(Folder, "a"), Logs.Options("a"));
        await using (a)
        {
            var (b, _) = await StartLinkedAsync(http, host, phoneB, Path.Combine(Folder, "b"), Logs.Options("b"));
            await using (b)
            {
                var created = await a.GroupCreateAsync("Three", [phoneB + "@s.whatsapp.net", phoneC + "@s.whatsapp.net"]);
                var jid = created.GetProperty("id").GetString()!;

                var fromA = await a.SendTextAsync(jid, "hello from A");
                Assert.Equal("hello from A", (await b.WaitForMessageAsync(m => m.Key.Id == fromA.Id && m.Text is not null, "A's text at B", WaitLimit)).Text);
                await WaitUntilAsync(async () => (await PhoneMessagesAsync(http, host, phoneC)).Any(m => m.Id == fromA.Id && m.Text == "hello from A"), "A's text at phone C");

                var fromB = await b.SendTextAsync(jid, "hello from B");
                Assert.Equal("hello from B", (await a.WaitForMessageAsync(m => m.Key.Id == fromB.Id && m.Text is not null, "B's text at A", WaitLimit)).Text);
                await WaitUntilAsync(async () => (await PhoneMessagesAsync(http, host, phoneC)).Any(m => m.Id == fromB.Id && m.Text == "hello from B"), "B's text at phone C");

                using var sent = await http.PostAsync($"{host.AdminUrl}/accounts/{phoneC}/messages", Json(new { to = jid, text = "hello from C" }));
                Assert.Equal(System.Net.HttpStatusCode.Created, sent.StatusCode);
                var id = (await sent.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();
                Assert.Equal("hello from C", (await a.WaitForMessageAsync(m => m.Key.Id == id && m.Text is not null, "C's text at A", WaitLimit)).Text);
                Assert.Equal("hello from C", (await b.WaitForMessageAsync(m => m.Key.Id == id && m.Text is not null, "C's text at B", WaitLimit)).Text);
                Assert.Empty(a.Errors);
                Assert.Empty(b.Errors);
            }
        }
    }

    private static async Task<PhoneMessage[]> PhoneMessagesAsync(HttpClient http, SimulatorHost host, string phone) =>
        await http.GetFromJsonAsync<PhoneMessage[]>($"{host.AdminUrl}/accounts/{phone}/messages") ?? [];

    private sealed record PhoneMessage(string Id, string? Chat, string? Sender, string? Kind, string? Text, bool SentCopy);
}
