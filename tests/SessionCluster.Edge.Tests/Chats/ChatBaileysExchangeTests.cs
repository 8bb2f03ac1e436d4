using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Interop.Tests.Simulator;
using Xunit.Abstractions;

namespace SessionCluster.Edge.Tests.Chats;

/// <summary>
/// The store after a 500-message exchange between a session linked through the API and a real Baileys companion
/// (tests/Interop, installed from its lockfile) of another account, through the simulator: 250 each way at once, then
/// read both ways. Chats and messages page correctly in both directions and every send's statuses are the receipts.
/// </summary>
[Trait("Category", "Interop")]
[Collection(BaileysAlone.Name)]
public sealed class ChatBaileysExchangeTests(StoreNode store, ITestOutputHelper output) : IClassFixture<StoreNode>, IDisposable
{
    private const string PhoneA = "15550501001";
    private const string PhoneB = "15550501002";
    private const string ChatA = PhoneA + "@s.whatsapp.net";
    private const string ChatB = PhoneB + "@s.whatsapp.net";
    private const string Session = "baileys";
    private const int PerSide = 250;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "store-baileys-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<string> _lines = new();

    [Fact]
    public async Task After_a_500_message_exchange_with_a_Baileys_peer_chats_and_messages_page_both_ways_and_statuses_match_the_receipts()
    {
        var http = store.Http;
        var host = store.Node.Simulator;
        await store.LinkAsync(http, Session, PhoneA);
        using var admin = new HttpClient { Timeout = Timeout };
        await SimulatorInteropSupport.CreateAccountAsync(admin, host, PhoneB);
        var options = new BaileysClientOptions { LogLevel = "warn", StderrLine = line => _lines.Enqueue("baileys: " + line), WaitTimeout = Timeout };
        var (bob, _) = await SimulatorInteropSupport.LinkWithHistorySyncAsync(admin, host, PhoneB, Path.Combine(_folder, "b"), options);
        await using var _bob = bob;

        // One each way first, so that each side has its Signal session before both write at once (two sessions made
        // at the same moment from both ends is a separate matter of the sessions' own interop tests).
        var firstIn = await bob.SendTextAsync(ChatA, "in 000");
        await StoreNode.WaitAsync(async () => (await store.Node.EventsAsync(Session)).Any(e => e.GetProperty("type").GetString() == "message.received"), "Baileys' first text");
        var firstOut = await store.SessionSendsAsync(http, Session, ChatB, "out 000", "baileys-0");
        await SimulatorInteropSupport.WaitUntilAsync(() => Task.FromResult(bob.Events.OfType<BaileysMessage>().Any(m => m.Key.Id == firstOut && m.Text is not null)), "Baileys to decrypt our first");

        // Then 249 each way at once: our sends through the API, Baileys' sendMessage calls.
        var ours = Task.WhenAll(Enumerable.Range(1, PerSide - 1).Select(i => store.SessionSendsAsync(http, Session, ChatB, $"out {i:000}", $"baileys-{i}")));
        var theirs = Task.Run(async () =>
        {
            var keys = new List<BaileysMessageKey> { firstIn };
            for (var i = 1; i < PerSide; i++)
            {
                keys.Add(await bob.SendTextAsync(ChatA, $"in {i:000}"));
            }

            return keys;
        });
        var outIds = (await ours).Append(firstOut).ToHashSet();
        var bobKeys = await theirs;
        Assert.Equal(PerSide, outIds.Count);

        // The session receives each of Baileys' 250 (at once or after a retry receipt).
        var bobIds = bobKeys.Select(k => k.Id!).ToHashSet();
        List<JsonElement> events = [];
        await StoreNode.WaitAsync(async () =>
        {
            events = await store.Node.EventsAsync(Session);
            return events.Count(e => e.GetProperty("type").GetString() == "message.received" && bobIds.Contains(e.GetProperty("payload").GetProperty("id").GetString()!)) == PerSide;
        }, "the session to receive Baileys' 250", () => string.Join(", ", events.GroupBy(e => e.GetProperty("type").GetString()).Select(g => $"{g.Key}: {g.Count()}")));

        // Everything stored in one chat (Baileys' messages come by LID with the phone number beside it), all 250 unread.
        await ExchangeAssertions.WaitForAllAsync(store, http, Session, ChatB, 2 * PerSide, "delivered");
        var chats = await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats");
        var chat = Assert.Single(chats.GetProperty("chats").EnumerateArray());
        Assert.Equal(ChatB, chat.GetProperty("jid").GetString());
        Assert.Equal(PerSide, chat.GetProperty("unreadCount").GetInt32());

        // Read both ways: our read receipts reach Baileys for each of its 250; Baileys reads ours.
        using (var read = await http.PostAsync($"/v1/sessions/{Session}/chats/{ChatB}:read", null))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal(PerSide, (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("marked").GetInt32());
        }

        await SimulatorInteropSupport.WaitUntilAsync(
            () => Task.FromResult(bobKeys.All(k => bob.Events.OfType<BaileysReceipt>().Any(r => r.Key.Id == k.Id && r.Status >= 4))), "Baileys to see its 250 read");
        // Baileys decrypts each of ours, at once or after a retry receipt (the phone's delivery receipt may come first).
        List<BaileysMessageKey> ourAtBob = [];
        await SimulatorInteropSupport.WaitUntilAsync(() =>
        {
            ourAtBob = bob.Events.OfType<BaileysMessage>().Where(m => m.Key.Id is { } id && outIds.Contains(id) && m.Text is not null)
                .GroupBy(m => m.Key.Id).Select(g => g.First().Key).ToList();
            return Task.FromResult(ourAtBob.Count == PerSide);
        }, "Baileys to decrypt our 250");
        await bob.ReadMessagesAsync(ourAtBob);

        var messages = await ExchangeAssertions.WaitForAllAsync(store, http, Session, ChatB, 2 * PerSide, "read");
        ExchangeAssertions.AssertTexts(messages, bobKeys.Select(k => k.Id!), outIds, PerSide, PerSide);
        await ExchangeAssertions.AssertPagesBothWaysAsync(store, http, Session, ChatB, messages);
        await ExchangeAssertions.AssertStatusesMatchReceiptsAsync(store, http, Session, ChatB, outIds, "read");
        Assert.Equal(0, Assert.Single((await http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/chats")).GetProperty("chats").EnumerateArray())
            .GetProperty("unreadCount").GetInt32());
    }

    public void Dispose()
    {
        foreach (var line in _lines)
        {
            output.WriteLine(line);
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}

/// <summary>The Baileys exchange runs alone, not beside the other classes' nodes: a Node.js peer, a simulator and a node on shared cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BaileysAlone
{
    public const string Name = "Store exchange with Baileys, alone";
}
