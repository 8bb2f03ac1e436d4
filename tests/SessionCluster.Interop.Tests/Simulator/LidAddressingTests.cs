using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Interop.Tests.Simulator.SimulatorInteropSupport;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// LID addressing with real Baileys 7.0.0-rc14 (docs/SIMULATOR.md "LID addressing", docs/PROTOCOL.md §5, §9, §10): every
/// simulator account is LID-migrated, so the relay delivers from the sender's LID device with <c>sender_pn</c> /
/// <c>participant_pn</c> and <c>addressing_mode="lid"</c>, groups are in LID mode, and an account's PN and LID name one
/// device list. The companions link without the phone's history sync, so whatever they know of the other account's
/// LID they learnt from the server.
/// </summary>
[Trait("Category", "Interop")]
public sealed class LidAddressingTests(ITestOutputHelper output) : SimulatorInteropTest(output)
{
    private const string PhoneA = "15550001111";
    private const string PhoneB = "15550002222";
    private const string PhoneC = "15550003333";
    private const string ChatA = PhoneA + "@s.whatsapp.net";
    private const string ChatB = PhoneB + "@s.whatsapp.net";

    [Fact]
    public async Task A_Baileys_companion_receives_a_1to1_from_a_LID_migrated_account_with_remoteJidAlt_from_sender_pn_and_addressingMode_lid_and_stores_the_session_under_the_LID()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        var lidA = await CreateLidAccountAsync(http, host, PhoneA);
        var lidB = await CreateLidAccountAsync(http, host, PhoneB);
        var (a, linkedA) = await StartLinkedAsync(http, host, PhoneA, Path.Combine(Folder, "a"), Logs.Options("a"));
        await using (a)
        {
            var (b, _) = await StartLinkedAsync(http, host, PhoneB, Path.Combine(Folder, "b"), Logs.Options("b"));
            await using (b)
            {
                Assert.Null((await b.LidAddressingAsync(ChatA)).LidForPn);

                var sent = await a.SendTextAsync(ChatB, "hello by LID");
                var atB = await b.WaitForMessageAsync(m => m.Key.Id == sent.Id, "A's message at B", WaitLimit);
                Assert.False(atB.IsDecryptFailure, string.Join(", ", atB.StubParameters));
                Assert.Equal("hello by LID", atB.Text);
                // Baileys' key (decodeMessageNode): the chat is A's LID, its alternate address A's phone number (sender_pn).
                Assert.Equal(
                    (lidA, ChatA, "lid", false),
                    (atB.Key.RemoteJid, KeyString(atB.Key, "remoteJidAlt"), KeyString(atB.Key, "addressingMode"), atB.Key.FromMe));

                // B stored the mapping from the envelope and keeps A's device session under the LID address only.
                var state = await b.LidAddressingAsync(ChatA);
                Assert.Equal((lidA, ChatA), (state.LidForPn, state.PnForLid));
                var lidUserA = lidA[..lidA.IndexOf('@', StringComparison.Ordinal)];
                Assert.Contains($"{lidUserA}_1.{linkedA.Device}", state.Sessions);
                Assert.DoesNotContain(state.Sessions, s => s.StartsWith(PhoneA + ".", StringComparison.Ordinal));

                // B answers A's phone number: it goes on the session under A's LID, and A reads it LID-addressed too.
                var reply = await b.SendTextAsync(ChatA, "hello back");
                var atA = await a.WaitForMessageAsync(m => m.Key.Id == reply.Id, "B's reply at A", WaitLimit);
                Assert.False(atA.IsDecryptFailure, string.Join(", ", atA.StubParameters));
                Assert.Equal(("hello back", lidB, ChatB), (atA.Text, atA.Key.RemoteJid, KeyString(atA.Key, "remoteJidAlt")));
                Assert.Empty(a.Errors);
                Assert.Empty(b.Errors);
            }
        }
    }

    [Fact]
    public async Task The_copy_at_the_senders_second_Baileys_companion_is_fromMe_in_the_chat_with_the_recipients_LID_and_remoteJidAlt_from_peer_recipient_pn()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await CreateLidAccountAsync(http, host, PhoneA);
        var lidB = await CreateLidAccountAsync(http, host, PhoneB);
        var (a, _) = await StartLinkedAsync(http, host, PhoneA, Path.Combine(Folder, "a"), Logs.Options("a"));
        await using (a)
        {
            var (a2, _) = await StartLinkedAsync(http, host, PhoneA, Path.Combine(Folder, "a2"), Logs.Options("a2"));
            await using (a2)
            {
                var (b, _) = await StartLinkedAsync(http, host, PhoneB, Path.Combine(Folder, "b"), Logs.Options("b"));
                await using (b)
                {
                    var sent = await a.SendTextAsync(ChatB, "seen on my other device");
                    var copy = await a2.WaitForMessageAsync(m => m.Key.Id == sent.Id, "the copy at A's second companion", WaitLimit);
                    Assert.False(copy.IsDecryptFailure, string.Join(", ", copy.StubParameters));
                    // Baileys' key: from me, the chat is B by LID (recipient), its alternate B's PN (peer_recipient_pn).
                    Assert.Equal(
                        ("seen on my other device", true, lidB, ChatB, "lid"),
                        (copy.Text, copy.Key.FromMe, copy.Key.RemoteJid, KeyString(copy.Key, "remoteJidAlt"), KeyString(copy.Key, "addressingMode")));
                    var learnt = await a2.LidAddressingAsync(ChatB);
                    Assert.Equal((lidB, ChatB), (learnt.LidForPn, learnt.PnForLid));
                    Assert.Equal("seen on my other device", (await b.WaitForMessageAsync(m => m.Key.Id == sent.Id, "the message at B", WaitLimit)).Text);
                    Assert.Empty(a.Errors);
                    Assert.Empty(a2.Errors);
                    Assert.Empty(b.Errors);
                    var stats = await http.GetFromJsonAsync<StatsSnapshot>(host.AdminUrl + "/stats");
                    Assert.Equal(0, stats!.RelayErrors);
                }
            }
        }
    }

    [Fact]
    public async Task Group_messages_in_LID_mode_decrypt_at_every_member_and_name_the_author_by_LID_with_participantAlt()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        var lidA = await CreateLidAccountAsync(http, host, PhoneA);
        var lidB = await CreateLidAccountAsync(http, host, PhoneB);
        var lidC = await CreateLidAccountAsync(http, host, PhoneC);
        var (a, _) = await StartLinkedAsync(http, host, PhoneA, Path.Combine(Folder, "a"), Logs.Options("a"));
        await using (a)
        {
            var (b, _) = await StartLinkedAsync(http, host, PhoneB, Path.Combine(Folder, "b"), Logs.Options("b"));
            await using (b)
            {
                var created = await a.GroupCreateAsync("LID mode", [ChatB, PhoneC + "@s.whatsapp.net"]);
                var jid = created.GetProperty("id").GetString()!;
                var metadata = await b.GroupMetadataAsync(jid);
                // Baileys reads the members by LID (extractGroupMetadata: participant jid, phone_number).
                Assert.Equal(
                    new[] { lidA, lidB, lidC }.Order(StringComparer.Ordinal),
                    metadata.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).Order(StringComparer.Ordinal));

                var fromA = await a.SendTextAsync(jid, "A in LID mode");
                var atB = await b.WaitForMessageAsync(m => m.Key.Id == fromA.Id, "A's group text at B", WaitLimit);
                Assert.False(atB.IsDecryptFailure, string.Join(", ", atB.StubParameters));
                Assert.Equal(("A in LID mode", jid, "lid"), (atB.Text, atB.Key.RemoteJid, KeyString(atB.Key, "addressingMode")));
                Assert.StartsWith(lidA[..lidA.IndexOf('@', StringComparison.Ordinal)], atB.Key.Participant, StringComparison.Ordinal);
                Assert.EndsWith("@lid", atB.Key.Participant, StringComparison.Ordinal);
                Assert.Equal(ChatA, KeyString(atB.Key, "participantAlt"));
                await WaitUntilAsync(async () => (await PhoneMessagesAsync(http, host, PhoneC)).Any(m => m.Id == fromA.Id && m.Text == "A in LID mode"), "A's text at phone C");

                var fromB = await b.SendTextAsync(jid, "B in LID mode");
                var atA = await a.WaitForMessageAsync(m => m.Key.Id == fromB.Id, "B's group text at A", WaitLimit);
                Assert.False(atA.IsDecryptFailure, string.Join(", ", atA.StubParameters));
                Assert.Equal(("B in LID mode", ChatB), (atA.Text, KeyString(atA.Key, "participantAlt")));
                await WaitUntilAsync(async () => (await PhoneMessagesAsync(http, host, PhoneC)).Any(m => m.Id == fromB.Id && m.Text == "B in LID mode"), "B's text at phone C");

                using var sent = await http.PostAsync($"{host.AdminUrl}/accounts/{PhoneC}/messages", Json(new { to = jid, text = "C in LID mode" }));
                Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
                var id = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
                foreach (var member in (BaileysClient[])[a, b])
                {
                    var atMember = await member.WaitForMessageAsync(m => m.Key.Id == id, "C's group text", WaitLimit);
                    Assert.False(atMember.IsDecryptFailure, string.Join(", ", atMember.StubParameters));
                    Assert.Equal(("C in LID mode", lidC, PhoneC + "@s.whatsapp.net"), (atMember.Text, atMember.Key.Participant, KeyString(atMember.Key, "participantAlt")));
                }

                Assert.Empty(a.Errors);
                Assert.Empty(b.Errors);
            }
        }
    }

    [Fact]
    public async Task A_message_addressed_to_the_PN_and_one_addressed_to_the_LID_of_the_same_account_reach_the_same_devices()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        var lidA = await CreateLidAccountAsync(http, host, PhoneA);
        var lidB = await CreateLidAccountAsync(http, host, PhoneB);
        var (a, _) = await StartLinkedAsync(http, host, PhoneA, Path.Combine(Folder, "a"), Logs.Options("a"));
        await using (a)
        {
            var (b, _) = await StartLinkedAsync(http, host, PhoneB, Path.Combine(Folder, "b"), Logs.Options("b"));
            await using (b)
            {
                var byPn = await a.SendTextAsync(ChatB, "to the phone number");
                var byLid = await a.SendTextAsync(lidB, "to the LID");

                var atB = new List<BaileysMessage>();
                foreach (var (key, text) in (IEnumerable<(BaileysMessageKey, string)>)[(byPn, "to the phone number"), (byLid, "to the LID")])
                {
                    var message = await b.WaitForMessageAsync(m => m.Key.Id == key.Id, text + " at B", WaitLimit);
                    Assert.False(message.IsDecryptFailure, string.Join(", ", message.StubParameters));
                    Assert.Equal(text, message.Text);
                    atB.Add(message);
                }

                // One chat at B: both from A's LID with A's phone number beside it.
                Assert.All(atB, m => Assert.Equal((lidA, ChatA, "lid"), (m.Key.RemoteJid, KeyString(m.Key, "remoteJidAlt"), KeyString(m.Key, "addressingMode"))));

                // B's phone (device 0) has both, under A's phone number.
                await WaitUntilAsync(async () => (await PhoneMessagesAsync(http, host, PhoneB)).Count(m => m.Id == byPn.Id || m.Id == byLid.Id) == 2, "both at phone B");
                Assert.All(
                    (await PhoneMessagesAsync(http, host, PhoneB)).Where(m => m.Id == byPn.Id || m.Id == byLid.Id),
                    m => Assert.Equal((ChatA, false), (m.Chat, m.SentCopy)));
                // A's phone has both sent copies, in the one chat with B (it lists chats by phone number).
                await WaitUntilAsync(async () => (await PhoneMessagesAsync(http, host, PhoneA)).Count(m => (m.Id == byPn.Id || m.Id == byLid.Id) && m.SentCopy) == 2, "both sent copies at phone A");
                Assert.All(
                    (await PhoneMessagesAsync(http, host, PhoneA)).Where(m => m.Id == byPn.Id || m.Id == byLid.Id),
                    m => Assert.Equal(ChatB, m.Chat));
                Assert.Empty(a.Errors);
                Assert.Empty(b.Errors);
                var stats = await http.GetFromJsonAsync<StatsSnapshot>(host.AdminUrl + "/stats");
                Assert.Equal(0, stats!.RelayErrors);
            }
        }
    }

    /// <summary>Creates the account; returns its LID user JID.</summary>
    private static async Task<string> CreateLidAccountAsync(HttpClient http, SimulatorHost host, string phone)
    {
        await CreateAccountAsync(http, host, phone);
        return host.Server.Accounts.Find(phone)!.Lid.ToString();
    }

    private static string? KeyString(BaileysMessageKey key, string name) => BaileysEvent.Str(key.Raw, name);

    private sealed record PhoneMessage(string Id, string? Chat, string? Sender, string? Kind, string? Text, bool SentCopy);
}
