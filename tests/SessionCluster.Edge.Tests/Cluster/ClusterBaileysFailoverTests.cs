using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Host.Tests.Clustering;
using SessionCluster.Interop.Tests.Simulator;
using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Edge.Tests.Cluster;

/// <summary>
/// The kill -9 failover with a peer nobody here wrote: a real Baileys companion exchanges texts with sessions spread
/// over 3 node processes, both ways, before, during and after one node dies. The sessions that moved keep their
/// ratchets (nothing forked): Baileys decrypts every text they send after the failover, and they decrypt every text
/// Baileys sends them, each once. A first attempt Baileys fails and then recovers by its retry receipt is its own
/// key-store race (it happens without any failover too); a message it never decrypts fails the test. The one text a
/// moved session may have in flight at the kill (encrypted and relayed, its server ack not yet durable) is sent again
/// with the same id by the new owner, as docs/SESSIONS.md "Crash safety" says: Baileys may decrypt that one twice, and
/// only if its one settlement came after the kill.
/// </summary>
[Trait("Category", "Interop")]
[Collection(Chats.BaileysAlone.Name)]
public sealed class ClusterBaileysFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private readonly ConcurrentQueue<string> _lines = new();

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public Task DisposeAsync() => _postgres.DisposeAsync();

    [Fact]
    public async Task After_a_kill_9_Baileys_and_the_moved_sessions_still_decrypt_everything_both_ways_each_once()
    {
        await using var rig = await ClusterRig.CreateAsync(_postgres, nameof(ClusterBaileysFailoverTests));
        var nodes = await rig.StartNodesAsync(3);

        var sessions = Enumerable.Range(0, 4).Select(i => (Session: $"bf-{i}", Phone: string.Create(CultureInfo.InvariantCulture, $"1555370{i:D4}"))).ToList();
        foreach (var (session, phone) in sessions)
        {
            await rig.LinkSessionAsync(nodes[0], session, phone);
        }

        const string Bob = "15553799999";
        using var admin = new HttpClient { Timeout = BaileysPeerNode.Timeout };
        await SimulatorInteropSupport.CreateAccountAsync(admin, rig.Simulator, Bob);
        var folder = Directory.CreateTempSubdirectory("cluster-baileys-").FullName;
        var options = new BaileysClientOptions { LogLevel = "warn", StderrLine = _lines.Enqueue, WaitTimeout = BaileysPeerNode.Timeout };
        var (baileys, _) = await SimulatorInteropSupport.LinkWithHistorySyncAsync(admin, rig.Simulator, Bob, Path.Combine(folder, "bob"), options);
        await using (baileys)
        {
            var victim = nodes.OrderByDescending(n => sessions.Count(s => NodeLogs.HostOf(nodes, s.Phone) == n)).First();
            var survivor = nodes.First(n => n != victim);
            var moved = sessions.Where(s => NodeLogs.HostOf(nodes, s.Phone) == victim).ToList();
            Assert.NotEmpty(moved);

            // Before: one text each way per session (first contact both ways, before anything dies).
            var toSessions = new List<(string Session, string Id)>();
            var toBaileys = new List<(string Session, string Id, string Text)>();
            await ExchangeAsync("before");

            await victim.Process.SignalAsync("KILL");
            var killedAt = DateTimeOffset.UtcNow;

            // During: Baileys keeps sending while the victim's sessions are down (the server holds them).
            foreach (var (session, phone) in sessions)
            {
                var key = await baileys.SendTextAsync(phone + "@s.whatsapp.net", $"during failover to {session}");
                toSessions.Add((session, key.Id!));
            }

            foreach (var (session, _) in moved)
            {
                await ClusterRig.Eventually(async () => TrafficRun.FirstAfter(await survivor.EventsAsync(session), "connected", killedAt) is { } ? "" : null,
                    $"{session} connected again after the kill. Nodes:\n" + string.Join("\n----\n", nodes.Where(n => n != victim).Select(n => $"node {n.Index} (exited: {n.Process.HasExited}):\n{n.Tail(25)}")));
            }

            // After: both ways again, on the moved sessions' ratchets.
            await ExchangeAsync("after");

            foreach (var (session, id) in toSessions)
            {
                await ClusterRig.Eventually(async () =>
                {
                    var count = (await survivor.EventsAsync(session)).Count(e => e.GetProperty("type").GetString() == "message.received" && e.GetProperty("payload").GetProperty("id").GetString() == id);
                    Assert.True(count <= 1, $"{id} received {count} times by {session}");
                    return count == 1 ? "" : null;
                }, $"{session} to decrypt Baileys' {id}");
            }

            foreach (var (session, id, text) in toBaileys)
            {
                await ClusterRig.Eventually(() => Task.FromResult(baileys.Events.OfType<BaileysMessage>().Any(m => m.Text == text) ? "" : null), $"Baileys to decrypt '{text}'");
                var settled = (await survivor.EventsAsync(session))
                    .Where(e => e.GetProperty("type").GetString() == "message.status" && e.GetProperty("payload").GetProperty("id").GetString() == id
                        && e.GetProperty("payload").GetProperty("status").GetString() is "sent" or "failed")
                    .Select(e => e.GetProperty("at").GetDateTimeOffset())
                    .ToList();
                Assert.True(settled.Count == 1, $"'{text}' ({id}) settled {settled.Count} times");
                var count = baileys.Events.OfType<BaileysMessage>().Count(m => m.Text == text);
                var inFlightAtTheKill = text.StartsWith("before", StringComparison.Ordinal) && moved.Any(m => m.Session == session) && settled[0] > killedAt;
                Assert.True(count == 1 || (count == 2 && inFlightAtTheKill), $"Baileys decrypted '{text}' {count} times (settled at {settled[0]:O}, kill at {killedAt:O})");
            }

            // A failure Baileys recovered from by its retry receipt (the message decrypted afterwards) is Baileys' own
            // key-store race (Interop BaileysKeyStoreRaceTests); a forked ratchet would leave a message undecrypted.
            var decrypted = baileys.Events.OfType<BaileysMessage>().Select(m => m.Key.Id).ToHashSet(StringComparer.Ordinal);
            var failures = baileys.Events.OfType<BaileysDecryptFailure>().ToList();
            Assert.All(failures, f => Assert.True(f.Id is not null && decrypted.Contains(f.Id), $"Baileys never decrypted {f.Id}: {f.ErrorName} {f.Error}"));
            output.WriteLine($"{moved.Count} sessions moved; {toSessions.Count} texts Baileys -> sessions, {toBaileys.Count} sessions -> Baileys, all decrypted once; " +
                $"{failures.Count} first attempts Baileys failed and recovered by retry: {string.Join("; ", failures.Select(f => $"{f.Id} {f.Error}"))}");

            async Task ExchangeAsync(string when)
            {
                foreach (var (session, phone) in sessions)
                {
                    var key = await baileys.SendTextAsync(phone + "@s.whatsapp.net", $"{when} to {session}");
                    toSessions.Add((session, key.Id!));
                    var text = $"{when} from {session}";
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{session}/messages") { Content = JsonContent.Create(new { to = Bob, type = "text", text }) };
                    request.Headers.Add("Idempotency-Key", $"{when}-{session}");
                    using var sent = await survivor.Http.SendAsync(request);
                    Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
                    var id = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                    toBaileys.Add((session, id, text));
                }
            }
        }

        Directory.Delete(folder, recursive: true);
    }

}
