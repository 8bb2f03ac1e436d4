using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Interop.Tests.Simulator.SimulatorInteropSupport;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// Two real Baileys 7.0.0-rc14 companions, linked by QR to accounts A and B, talk through the simulator's relay:
/// usync device lists, prekey bundle fetches, 1:1 fan-out (to the other account's devices and the sender's own
/// phone), receipts, the offline queue and retry receipts. The phones (device 0) take part as the relay delivers to
/// them too.
/// </summary>
[Trait("Category", "Interop")]
public sealed class MessagingTests(ITestOutputHelper output) : SimulatorInteropTest(output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string PhoneA = "15550001111";
    private const string PhoneB = "15550002222";
    private const string ChatA = PhoneA + "@s.whatsapp.net";
    private const string ChatB = PhoneB + "@s.whatsapp.net";

    [Fact]
    public async Task A_and_B_exchange_100_messages_each_way_interleaved_and_every_one_decrypts()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await CreateAccountsAsync(http, host);

        // A links by QR and B by pairing code, the two ways a companion joins an account.
        await using var a = await LinkBaileysAsync(http, host, PhoneA);
        await using var b = await LinkBaileysAsync(http, host, PhoneB, byPairingCode: true);

        // First contact one way at a time, so both sides start from one session each.
        var warmA = await a.SendTextAsync(ChatB, "hi B");
        await b.WaitForMessageAsync(m => m.Key.Id == warmA.Id && m.Text == "hi B", "A's first message", Timeout);
        var warmB = await b.SendTextAsync(ChatA, "hi A");
        await a.WaitForMessageAsync(m => m.Key.Id == warmB.Id && m.Text == "hi A", "B's first message", Timeout);
        var markA = a.Mark();
        var markB = b.Mark();

        // Interleaved turn by turn: A's i-th, then B's i-th once A's has arrived. Fully concurrent sends both ways make
        // Baileys send and decrypt on one Signal record in two key-store transactions at once (one keyed by its own id,
        // one by the sender's), and the later commit undoes the other: "Invalid PreKey ID", "Key used already or never
        // filled", some messages never recovered. See docs/SIMULATOR.md, "Concurrent senders".
        var fromA = new List<BaileysMessageKey>();
        var fromB = new List<BaileysMessageKey>();
        var atB = new List<BaileysMessage>();
        var atA = new List<BaileysMessage>();
        for (var i = 0; i < 100; i++)
        {
            var n = i.ToString(CultureInfo.InvariantCulture);
            var sentA = await a.SendTextAsync(ChatB, "a->b " + n);
            fromA.Add(sentA);
            atB.Add(await b.WaitForMessageAsync(m => m.Key.Id == sentA.Id && m.Text is not null, "a->b " + n, Timeout, markB));
            var sentB = await b.SendTextAsync(ChatA, "b->a " + n);
            fromB.Add(sentB);
            atA.Add(await a.WaitForMessageAsync(m => m.Key.Id == sentB.Id && m.Text is not null, "b->a " + n, Timeout, markA));
        }

        await ReceivedAsync(b, fromA, "a->b ", markB);
        await ReceivedAsync(a, fromB, "b->a ", markA);

        // Delivery receipts (status 3) reach each sender for every message; read receipts (status 4) once read.
        foreach (var key in fromA)
        {
            await a.WaitForReceiptAsync(r => r.Key.Id == key.Id && r.Status >= 3, "delivery of " + key.Id, Timeout);
        }

        foreach (var key in fromB)
        {
            await b.WaitForReceiptAsync(r => r.Key.Id == key.Id && r.Status >= 3, "delivery of " + key.Id, Timeout);
        }

        await b.ReadMessagesAsync(atB.Select(m => m.Key));
        await a.ReadMessagesAsync(atA.Select(m => m.Key));
        foreach (var key in fromA)
        {
            await a.WaitForReceiptAsync(r => r.Key.Id == key.Id && r.Status == 4, "read of " + key.Id, Timeout);
        }

        foreach (var key in fromB)
        {
            await b.WaitForReceiptAsync(r => r.Key.Id == key.Id && r.Status == 4, "read of " + key.Id, Timeout);
        }

        // The phones (device 0) get every message too: B's phone decrypts each of A's, and A's phone holds each as the
        // deviceSentMessage copy its companion sent it; the same the other way round.
        await PhonesHoldEveryMessageAsync(http, host, PhoneB, received: fromA, sentCopies: fromB);
        await PhonesHoldEveryMessageAsync(http, host, PhoneA, received: fromB, sentCopies: fromA);

        Assert.Empty(a.Errors);
        Assert.Empty(b.Errors);
        var stats = await http.GetFromJsonAsync<StatsSnapshot>(host.AdminUrl + "/stats");
        Assert.True(stats!.StanzasRelayed >= 400, $"relayed {stats.StanzasRelayed}");
        Assert.Equal(0, stats.RelayErrors);
    }

    [Fact]
    public async Task Messages_sent_while_B_is_offline_arrive_exactly_once_when_B_reconnects()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await CreateAccountsAsync(http, host);
        await using var a = await LinkBaileysAsync(http, host, PhoneA);
        await using var b = await LinkBaileysAsync(http, host, PhoneB);
        var bDevice = (await DevicesAsync(http, host, PhoneB)).Single(d => !d.Primary).Device;

        // One message while online, so B has seen A before going away.
        var hello = await a.SendTextAsync(ChatB, "hello");
        await b.WaitForMessageAsync(m => m.Key.Id == hello.Id && m.Text == "hello", "the first message", Timeout);
        await b.EndAsync();

        var sent = new List<BaileysMessageKey>();
        for (var i = 0; i < 20; i++)
        {
            sent.Add(await a.SendTextAsync(ChatB, "offline " + i.ToString(CultureInfo.InvariantCulture)));
        }

        var account = host.Server.Accounts.Find(PhoneB)!;
        await WaitUntilAsync(() => Task.FromResult(sent.All(k => host.Server.DeviceQueues.Queued(account, bDevice).Any(n => n.Tag == "message" && n.GetOptionalString("id") == k.Id))));

        var mark = b.Mark();
        await b.ReconnectAsync();
        await ReceivedAsync(b, sent, "offline ", mark);

        // Every one was acked (the queue empties) and none came twice, also after a while.
        IReadOnlyList<SessionCluster.Protocol.Binary.Node> Unacked() =>
            [.. host.Server.DeviceQueues.Queued(account, bDevice).Where(n => n.Tag == "message" && sent.Any(k => k.Id == n.GetOptionalString("id")))];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (Unacked().Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(Unacked().Count == 0, "Not acked: " + string.Join("; ", Unacked()));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var arrivals = b.Events.Skip(mark).OfType<BaileysMessage>().Where(m => !m.Key.FromMe && m.Text is not null && sent.Any(k => k.Id == m.Key.Id)).GroupBy(m => m.Key.Id).ToArray();
        Assert.Equal(20, arrivals.Length);
        Assert.All(arrivals, g => Assert.Single(g));
        foreach (var key in sent)
        {
            await a.WaitForReceiptAsync(r => r.Key.Id == key.Id && r.Status >= 3, "delivery of " + key.Id, Timeout);
        }

        Assert.Empty(b.Errors);
    }

    [Fact]
    public async Task A_message_B_cannot_decrypt_is_recovered_through_a_retry_receipt()
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await CreateAccountsAsync(http, host);
        await using var a = await LinkBaileysAsync(http, host, PhoneA);
        await using var b = await LinkBaileysAsync(http, host, PhoneB);

        var first = await a.SendTextAsync(ChatB, "before");
        await b.WaitForMessageAsync(m => m.Key.Id == first.Id && m.Text == "before", "the first message", Timeout);

        // B forgets its sessions with A's devices: A's next message (a plain "msg" on A's existing session) fails at B.
        // B is offline while A sends, so the message is queued and the retry receipt comes back only after B reconnects
        // (on loopback an online B answers before sendMessage has returned to the driver; the driver's getMessage then
        // waits for the send to return).
        var dropped = await b.DropSessionAsync(ChatA);
        Assert.NotEmpty(dropped);
        await b.EndAsync();
        var second = await a.SendTextAsync(ChatB, "after the drop");
        var bDevice = (await DevicesAsync(http, host, PhoneB)).Single(d => !d.Primary).Device;
        var account = host.Server.Accounts.Find(PhoneB)!;
        await WaitUntilAsync(() => Task.FromResult(host.Server.DeviceQueues.Queued(account, bDevice).Any(n => n.GetOptionalString("id") == second.Id)));
        var mark = b.Mark();
        await b.ReconnectAsync();

        await b.WaitForMessageAsync(m => m.Key.Id == second.Id && m.IsDecryptFailure, "the undecryptable message", Timeout, mark);
        var recovered = await b.WaitForMessageAsync(m => m.Key.Id == second.Id && m.Text == "after the drop", "the resent message", Timeout, mark);
        Assert.False(recovered.IsDecryptFailure);
        Assert.True(await b.HasSessionAsync(a.Events.OfType<BaileysCreds>().Last(c => c.Me is not null).Me!));
        Assert.Empty(a.Errors);
    }

    private void Log(string line) => Logs.Write("test: " + line);

    private async Task<IReadOnlyList<BaileysMessage>> ReceivedAsync(BaileysClient client, IReadOnlyList<BaileysMessageKey> sent, string prefix, int since = 0)
    {
        var received = new List<BaileysMessage>();
        for (var i = 0; i < sent.Count; i++)
        {
            var id = sent[i].Id;
            var message = await client.WaitForMessageAsync(m => m.Key.Id == id && m.Text is not null, "message " + i.ToString(CultureInfo.InvariantCulture), Timeout, since);
            Assert.Equal(prefix + i.ToString(CultureInfo.InvariantCulture), message.Text);
            Assert.False(message.Key.FromMe);
            received.Add(message);
        }

        // Each decrypted at the first attempt: no CIPHERTEXT stub (a retry-recovered message would show one).
        var retried = client.Events.Skip(since).OfType<BaileysMessage>().Count(m => m.IsDecryptFailure && sent.Any(k => k.Id == m.Key.Id));
        Log($"{prefix.Trim()}: {sent.Count} decrypted, {retried} of them only after a retry receipt");
        Assert.Equal(0, retried);
        return received;
    }

    private async Task<BaileysClient> LinkBaileysAsync(HttpClient http, SimulatorHost host, string phone, bool byPairingCode = false)
    {
        var options = new BaileysClientOptions { LogLevel = "info", StderrLine = line => Logs.Write("baileys " + phone + ": " + line), WaitTimeout = Timeout };
        return (await LinkWithHistorySyncAsync(http, host, phone, Path.Combine(Folder, phone), options, byPairingCode)).Client;
    }

    /// <summary>Both accounts first, so each phone's history sync carries the other's LID mapping.</summary>
    private static async Task CreateAccountsAsync(HttpClient http, SimulatorHost host)
    {
        foreach (var phone in new[] { PhoneA, PhoneB })
        {
            using var created = await http.PostAsync(host.AdminUrl + "/accounts", Json(new { phone }));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
    }


    /// <summary>The phone of <paramref name="phone"/> decrypted every message in <paramref name="received"/> and holds every one of <paramref name="sentCopies"/> as a sent copy, each exactly once.</summary>
    private static async Task PhonesHoldEveryMessageAsync(HttpClient http, SimulatorHost host, string phone, IReadOnlyList<BaileysMessageKey> received, IReadOnlyList<BaileysMessageKey> sentCopies)
    {
        SessionCluster.Simulator.Phone.PhoneMessage[] inbox = [];
        await WaitUntilAsync(async () =>
        {
            inbox = (await http.GetFromJsonAsync<SessionCluster.Simulator.Phone.PhoneMessage[]>($"{host.AdminUrl}/accounts/{phone}/messages"))!;
            return received.All(k => inbox.Any(m => m.Id == k.Id && !m.SentCopy)) && sentCopies.All(k => inbox.Any(m => m.Id == k.Id && m.SentCopy));
        });
        foreach (var key in received)
        {
            Assert.NotNull(Assert.Single(inbox, m => m.Id == key.Id && !m.SentCopy).Text);
        }

        foreach (var key in sentCopies)
        {
            Assert.NotNull(Assert.Single(inbox, m => m.Id == key.Id && m.SentCopy).Text);
        }
    }
}
