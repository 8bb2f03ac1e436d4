using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using SessionCluster.Interop.Tests.Simulator;
using SessionCluster.Sessions;
using SessionCluster.Sessions.State;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Interop.Tests.Simulator.SimulatorInteropSupport;

namespace SessionCluster.Interop.Tests.Sessions;

/// <summary>
/// The durability promises under kill -9 (issue 11, "Crash"): a session node in its own process
/// (tests/SessionCluster.Sessions.CrashNode) linked by QR to account A, a real Baileys 7.0.0-rc14 companion of account B,
/// the simulator in the test process. The node is SIGKILLed in the middle of a 1,000-message burst, started again on
/// the same SQLite file with the same node key, and the journal is read afterwards: inbound, every message exactly once
/// and no re-pairing; outbound, every accepted message settled exactly once and decrypted by Baileys, a message
/// repeated only if it was the one in flight at the kill.
/// </summary>
[Trait("Category", "Interop")]
public sealed class SessionCrashTests(ITestOutputHelper output) : SimulatorInteropTest(output)
{
    private const string PhoneA = "15550001111";
    private const string PhoneB = "15550002222";
    private const string ChatA = PhoneA + "@s.whatsapp.net";
    private const string ChatB = PhoneB + "@s.whatsapp.net";
    private const int Burst = 1_000;
    private static readonly SessionId Alice = new("alice");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private readonly ITestOutputHelper _output = output;

    [Fact]
    public async Task Killed_twice_in_an_inbound_burst_the_restarted_node_has_each_of_1000_messages_exactly_once_without_re_pairing()
    {
        var clock = Stopwatch.StartNew();
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await CreateAccountAsync(http, host, PhoneA);
        await CreateAccountAsync(http, host, PhoneB);
        var node = new NodeFiles(Path.Combine(Folder, "node"), host);
        await using var first = node.Start(Logs, "node run 1");
        await LinkAsync(first, http, host);
        var companion = Assert.Single(await DevicesAsync(http, host, PhoneA), d => !d.Primary);
        var bob = await StartBobAsync(http, host);
        await using var _bob = bob;
        var linkedAt = clock.Elapsed;

        // Bob's 1,000 texts back to back; the node is killed once it has stored some of them.
        var sending = Task.Run(async () =>
        {
            var ids = new List<string>();
            for (var i = 0; i < Burst; i++)
            {
                ids.Add((await bob.SendTextAsync(ChatA, Text("b->a", i))).Id!);
            }

            return ids;
        });
        await first.WaitUntilAsync(lines => lines.Count(l => l.StartsWith("received ", StringComparison.Ordinal)) >= Burst / 4, "a quarter of the burst received", Timeout);
        await first.KillAsync();
        var killedAt = clock.Elapsed;
        var atKill = Received(await CrashNodeJournal.EventsAsync(node.Journal, Alice)).Select(r => r.MessageId).ToList();
        Assert.InRange(atKill.Count, 1, Burst - 1);
        Assert.Equal(atKill.Count, atKill.Distinct().Count());

        // Started again on the same files: it logs in with its stored registration and drains the messages the server
        // queued while it was down as fast as it can; killed again in the middle of that, when it is busiest.
        await using (var second = node.Start(Logs, "node run 2"))
        {
            await second.WaitForLineAsync(l => l == "status Connected", "Connected again", Timeout);
            await second.WaitUntilAsync(lines => ReceivedLines(lines).Count() >= Burst / 20, "more of the burst received", Timeout);
            await second.KillAsync();
        }

        var secondKilledAt = clock.Elapsed;
        var atSecondKill = Received(await CrashNodeJournal.EventsAsync(node.Journal, Alice)).Select(r => r.MessageId).ToList();
        Assert.InRange(atSecondKill.Count, atKill.Count + 1, Burst - 1);
        Assert.Equal(atSecondKill.Count, atSecondKill.Distinct().Count());

        // A third start takes the rest.
        await using var third = node.Start(Logs, "node run 3");
        await third.WaitForLineAsync(l => l == "status Connected", "Connected again", Timeout);
        var bobIds = await sending.WaitAsync(Timeout);
        Assert.Equal(Burst, bobIds.Distinct().Count());
        await third.WaitUntilAsync(
            lines => bobIds.Except(atSecondKill).Except(ReceivedLines(lines)).Any() is false,
            "the rest of the burst received", Timeout);
        await third.QuitAsync();
        var done = clock.Elapsed;

        var events = await CrashNodeJournal.EventsAsync(node.Journal, Alice);
        var received = Received(events).Where(r => bobIds.Contains(r.MessageId)).ToList();
        Assert.Equal(Burst, received.Count);
        Assert.Equal(bobIds.Order(StringComparer.Ordinal), received.Select(r => r.MessageId).Order(StringComparer.Ordinal));
        Assert.Equal(
            Enumerable.Range(0, Burst).Select(i => Text("b->a", i)).Order(StringComparer.Ordinal),
            received.Select(r => r.Text!).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(events, e => e.Body is UndecryptableBody);
        // No re-pairing: one QR (the first link), no link failure, the same companion device, and the restart's status
        // events are a login (Disconnected, Connecting, Connected).
        Assert.Single(events, e => e.Body is QrCodeBody);
        Assert.DoesNotContain(events, e => e.Body is LinkFailedBody or LoggedOutBody);
        Assert.Equal(companion.Jid, Assert.Single(await DevicesAsync(http, host, PhoneA), d => !d.Primary).Jid);
        var statuses = events.Select(e => e.Body).OfType<SessionStatusChangedBody>().Select(s => s.Status).ToList();
        Assert.Equal(
            [SessionStatus.Connected, SessionStatus.Disconnected, SessionStatus.Connecting, SessionStatus.Connected, SessionStatus.Disconnected, SessionStatus.Connecting, SessionStatus.Connected],
            statuses.TakeLast(7));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));

        Report(
            $"inbound: linked in {linkedAt.TotalSeconds:F1} s; killed after {(killedAt - linkedAt).TotalSeconds:F1} s with {atKill.Count} of {Burst} in the journal, " +
            $"again {(secondKilledAt - killedAt).TotalSeconds:F1} s later with {atSecondKill.Count}; all {Burst} stored once {(done - secondKilledAt).TotalSeconds:F1} s after the second kill, " +
            $"{received.Count(r => r.Offline)} of them from the server's offline queue; test {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Killed_mid_outbound_burst_each_accepted_message_is_settled_once_and_Baileys_decrypts_every_one()
    {
        var clock = Stopwatch.StartNew();
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        await CreateAccountAsync(http, host, PhoneA);
        await CreateAccountAsync(http, host, PhoneB);
        var node = new NodeFiles(Path.Combine(Folder, "node"), host);
        await using var first = node.Start(Logs, "node run 1");
        await LinkAsync(first, http, host);
        var bob = await StartBobAsync(http, host);
        await using var _bob = bob;
        var markB = bob.Mark();
        var linkedAt = clock.Elapsed;

        // 1,000 Send commands, one after another; the node is killed once some of them are settled.
        await first.CommandAsync($"send {ChatB} {Burst} a->b");
        await first.WaitUntilAsync(lines => Settled(lines).Count >= Burst / 4, "a quarter of the burst settled", Timeout);
        await first.KillAsync();
        var killedAt = clock.Elapsed;
        var acceptedLines = first.Lines.Where(l => l.StartsWith("accepted ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();
        var atKill = await CrashNodeJournal.EventsAsync(node.Journal, Alice);
        var accepted = Statuses(atKill, MessageDelivery.Accepted);
        var settledAtKill = Settlements(atKill);
        // Every id the caller heard of is durable; the journal may hold a few more whose answer the kill cut off.
        Assert.Empty(acceptedLines.Except(accepted));
        Assert.InRange(settledAtKill.Count, 1, accepted.Count - 1);

        // Started again on the same files: the queue drains.
        await using var second = node.Start(Logs, "node run 2");
        await second.WaitForLineAsync(l => l == "status Connected", "Connected again", Timeout);
        await second.WaitUntilAsync(lines => accepted.Except(settledAtKill.Keys).Except(Settled(lines).Keys).Any() is false, "every accepted send settled", Timeout);
        var sentIds = accepted.ToHashSet();
        await WaitUntilAsync(() => Task.FromResult(sentIds.All(id => DecryptedCount(bob, markB, id) > 0)), "Baileys to decrypt every accepted text");
        // A little longer for any late copy to show.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await second.QuitAsync();
        var done = clock.Elapsed;

        var events = await CrashNodeJournal.EventsAsync(node.Journal, Alice);
        var settlements = events.Select(e => e.Body).OfType<MessageStatusBody>()
            .Where(s => s.Device is null && s.Status is MessageDelivery.Sent or MessageDelivery.Failed)
            .GroupBy(s => s.MessageId)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.All(accepted, id => Assert.Equal(1, settlements.GetValueOrDefault(id)));
        Assert.Equal(accepted.Count, Statuses(events, MessageDelivery.Accepted).Count);
        var failed = Statuses(events, MessageDelivery.Failed);
        Assert.Empty(failed);

        // At Baileys: each one decrypted; no failure that a retry did not make good (each id above decrypted);
        // a copy twice only for a message in flight at the kill: sends go one at a time, so at most one.
        var decryptFailures = bob.Events.Skip(markB).OfType<BaileysDecryptFailure>().Count(f => f.Id is { } id && sentIds.Contains(id));
        var texts = bob.Events.Skip(markB).OfType<BaileysMessage>().Where(m => m.Key.Id is { } id && sentIds.Contains(id) && m.Text is not null).ToList();
        Assert.Equal(
            Enumerable.Range(0, accepted.Count).Select(i => Text("a->b", i)).Order(StringComparer.Ordinal),
            texts.DistinctBy(m => m.Key.Id).Select(m => m.Text!).Order(StringComparer.Ordinal));
        // The one in flight at the kill: the oldest accepted id not settled then (the queue sends in order).
        var inFlight = accepted.First(id => !settledAtKill.ContainsKey(id));
        var repeated = texts.GroupBy(m => m.Key.Id!).Where(g => g.Count() > 1).ToList();
        Assert.All(repeated, g => Assert.Equal((inFlight, 2), (g.Key, g.Count())));
        var twice = repeated.Count;
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));

        Report(
            $"outbound: linked in {linkedAt.TotalSeconds:F1} s; killed after {(killedAt - linkedAt).TotalSeconds:F1} s with {accepted.Count} accepted " +
            $"({acceptedLines.Count} answered) and {settledAtKill.Count} settled in the journal; all settled and decrypted {(done - killedAt).TotalSeconds:F1} s after the kill; " +
            $"Baileys decrypted {twice} id(s) twice, logged {decryptFailures} decrypt failure(s) for them; test {clock.Elapsed.TotalSeconds:F1} s");
    }

    private void Report(string line)
    {
        _output.WriteLine(line);
        Logs.Write("figures: " + line);
    }

    /// <summary>Creates the session, links it by QR to account A, and returns once it is Connected with its prekeys on the server.</summary>
    private static async Task LinkAsync(CrashNodeProcess node, HttpClient http, SimulatorHost host)
    {
        await node.CommandAsync("create");
        await node.WaitForLineAsync(l => l == "created", "created", Timeout);
        await node.CommandAsync("link-qr");
        var qr = (await node.WaitForLineAsync(l => l.StartsWith("qr ", StringComparison.Ordinal), "a QR", Timeout))["qr ".Length..];
        using (var link = await http.PostAsync($"{host.AdminUrl}/accounts/{PhoneA}/link", Json(new { qr })))
        {
            Assert.Equal(HttpStatusCode.OK, link.StatusCode);
        }

        await node.WaitForLineAsync(l => l == "status Connected", "Connected", Timeout);
        await WaitUntilAsync(async () => (await DevicesAsync(http, host, PhoneA)).Any(d => !d.Primary && d.PreKeys > 0), "the session's prekey upload");
    }

    private async Task<BaileysClient> StartBobAsync(HttpClient http, SimulatorHost host)
    {
        var options = new BaileysClientOptions { LogLevel = "warn", StderrLine = line => Logs.Write("baileys B: " + line), WaitTimeout = Timeout };
        var (bob, _) = await LinkWithHistorySyncAsync(http, host, PhoneB, Path.Combine(Folder, "b"), options);
        return bob;
    }

    private static string Text(string direction, int i) => direction + " " + i.ToString("D4", CultureInfo.InvariantCulture);

    private static IEnumerable<MessageReceivedBody> Received(IEnumerable<SessionEvent> events) => events.Select(e => e.Body).OfType<MessageReceivedBody>();

    private static IEnumerable<string> ReceivedLines(IEnumerable<string> lines) =>
        lines.Where(l => l.StartsWith("received ", StringComparison.Ordinal)).Select(l => l["received ".Length..]);

    /// <summary>"settled id status" lines: id → status.</summary>
    private static Dictionary<string, string> Settled(IEnumerable<string> lines) =>
        lines.Where(l => l.StartsWith("settled ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToDictionary(p => p[1], p => p[2]);

    /// <summary>The ids with a MessageStatus of <paramref name="status"/> for the message itself (not one device's).</summary>
    private static List<string> Statuses(IEnumerable<SessionEvent> events, MessageDelivery status) =>
        events.Select(e => e.Body).OfType<MessageStatusBody>().Where(s => s.Status == status && s.Device is null).Select(s => s.MessageId).ToList();

    private static Dictionary<string, MessageDelivery> Settlements(IEnumerable<SessionEvent> events) =>
        events.Select(e => e.Body).OfType<MessageStatusBody>()
            .Where(s => s.Device is null && s.Status is MessageDelivery.Sent or MessageDelivery.Failed)
            .ToDictionary(s => s.MessageId, s => s.Status);

    private static int DecryptedCount(BaileysClient client, int mark, string id) =>
        client.Events.Skip(mark).OfType<BaileysMessage>().Count(m => m.Key.Id == id && m.Text is not null);

    /// <summary>A node's files (its folder, SQLite journal, node key) and how to start it on them, again and again.</summary>
    private sealed class NodeFiles
    {
        private readonly string _key = SecretKey.Generate(RandomNumberGenerator.Create()).ExportBase64();
        private readonly SimulatorHost _host;

        public NodeFiles(string folder, SimulatorHost host)
        {
            Directory.CreateDirectory(folder);
            Journal = Path.Combine(folder, "sessioncluster.db");
            _host = host;
        }

        public string Journal { get; }

        public CrashNodeProcess Start(InteropLog log, string name) =>
            CrashNodeProcess.Start(log, name, Journal, _key, Alice.Value, _host.WebSocketUrl, Convert.ToBase64String(_host.RootPublicKey.Span));
    }
}
