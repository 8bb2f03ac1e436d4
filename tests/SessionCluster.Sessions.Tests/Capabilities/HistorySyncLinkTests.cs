using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>
/// History sync on link (docs/PROTOCOL.md §15) against the simulator's phone: its chunk, inline or as an encrypted History
/// blob on the media host, becomes history.sync events with the phone's conversations, and the chunk's PN ↔ LID pairs are
/// stored; the notification itself is never a received message.
/// </summary>
public sealed class HistorySyncLinkTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    private const string CarolPhone = "15550003333";

    private static string AliceJid => Phone + "@s.whatsapp.net";

    [Fact]
    public async Task An_inline_history_chunk_is_stored_as_history_sync_events_with_the_phones_conversations_and_its_mappings()
    {
        await using var host = await Simulators.StartAsync();
        var (system, carol) = await PeersAndHistoryAsync(host, blob: false, dependencies: null);

        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is HistorySyncBody), "a history.sync event");

        AssertHistory(events, "initial_bootstrap", carol);
        await AssertMappingStoredAsync(system, carol);
        Assert.Equal(1, Nodes.Logs.Count(1700));
        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.ReceiptsAsync(host, Phone), r => r.Any(x => x.Type == "peer_msg"), "the history notification's receipt on Alice's phone");
    }

    [Fact]
    public async Task A_history_chunk_sent_as_a_blob_is_downloaded_decrypted_and_stored_as_history_sync_events()
    {
        await using var host = await Simulators.StartAsync();
        using var http = new HttpClient(MediaUploader.CreateHandler(new SessionServerSettings(new Uri(host.WebSocketUrl)) { PinnedCertificate = X509Certificate2.CreateFromPem(host.CertificatePem) }));
        var dependencies = Dependencies(Nodes, host) with { HistoryDownloader = new MediaDownloader(http) };
        var (system, carol) = await PeersAndHistoryAsync(host, blob: true, dependencies);

        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is HistorySyncBody), "a history.sync event");

        AssertHistory(events, "recent", carol);
        await AssertMappingStoredAsync(system, carol);
    }

    [Fact]
    public async Task A_blob_chunk_the_session_cannot_download_is_acknowledged_without_an_event_and_messages_go_on()
    {
        await using var host = await Simulators.StartAsync();
        // No downloader: the chunk cannot be read, which must neither block the inbound order nor become a message.
        var (system, _) = await PeersAndHistoryAsync(host, blob: true, dependencies: null);
        var after = await SimulatorPhones.SendTextAsync(host, BobPhone, AliceJid, "after the history");

        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is MessageReceivedBody m && m.MessageId == after), "the message after the history");

        Assert.DoesNotContain(events, e => e.Body is HistorySyncBody);
        Assert.DoesNotContain(events, e => e.Body is MessageReceivedBody { Message.ProtocolMessage: not null });
        // Logged once with its typed reason, and receipted (the phone does not send it again).
        var unreadable = Assert.Single(Nodes.Logs.Entries, e => e.Id.Id == 1701);
        Assert.Contains(nameof(SessionCluster.Sessions.Flows.HistorySyncFailure.Download), unreadable.Message, StringComparison.Ordinal);
        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.ReceiptsAsync(host, Phone), r => r.Any(x => x.Type == "peer_msg"), "the history notification's receipt on Alice's phone");
    }

    /// <summary>Bob and Carol's accounts, Alice linked, Bob writing to Alice and Alice's phone to Bob, then Alice's phone's history sync.</summary>
    private async Task<(Akka.Actor.ActorSystem System, SimulatorPhones.AccountInfo Carol)> PeersAndHistoryAsync(SimulatorHost host, bool blob, SessionActorDependencies? dependencies)
    {
        await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var carol = await SimulatorPhones.CreateAccountAsync(host, CarolPhone);
        var (system, _) = await LinkedSessions.LinkedAliceAsync(Nodes, host, dependencies);
        var fromBob = await SimulatorPhones.SendTextAsync(host, BobPhone, AliceJid, "hello alice");
        await SimulatorPhones.SendTextAsync(host, Phone, BobPhone + "@s.whatsapp.net", "hi bob");
        await SimulatorPhones.WaitForAsync(() => SimulatorPhones.MessagesAsync(host, Phone), m => m.Any(x => x.Id == fromBob), "Bob's text on Alice's phone");
        await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is MessageReceivedBody m && m.MessageId == fromBob), "Bob's text in the session");

        using var http = new HttpClient { Timeout = SessionNodes.Timeout };
        using var response = await http.PostAsync($"{host.AdminUrl}/accounts/{Phone}/history-sync{(blob ? "?blob=true" : "")}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = (await response.Content.ReadFromJsonAsync<SessionCluster.Simulator.Phone.HistorySyncResponse>())!;
        Assert.Equal((1, blob), (sent.Devices, sent.DirectPath is not null));
        return (system, carol);
    }

    private static void AssertHistory(IReadOnlyList<SessionEvent> events, string syncType, SimulatorPhones.AccountInfo carol)
    {
        var batch = Assert.Single(events.Select(e => e.Body).OfType<HistorySyncBody>());
        Assert.Equal((syncType, 100u, 0), (batch.SyncType, batch.Progress, batch.Part));
        var withBob = Assert.Single(batch.Conversations, c => c.Jid.StartsWith(BobPhone, StringComparison.Ordinal));
        Assert.Contains(withBob.Messages, m => m is { FromMe: false, Text: "hello alice" });
        Assert.Contains(withBob.Messages, m => m is { FromMe: true, Text: "hi bob" });
        Assert.Contains(batch.LidMappings, m => m.Pn == carol.Jid && m.Lid == carol.Lid);
        Assert.Contains(batch.PushNames, p => p.Jid == carol.Jid);
        Assert.DoesNotContain(events, e => e.Body is MessageReceivedBody { Message.ProtocolMessage: not null });
    }

    /// <summary>Carol never wrote to Alice: her pair can only come from the chunk, stored as usync answers are.</summary>
    private static async Task AssertMappingStoredAsync(Akka.Actor.ActorSystem system, SimulatorPhones.AccountInfo carol)
    {
        var stored = await SessionLog.StoredAsync(system, Alice);
        var learned = stored.OfType<LidMappingLearned>().ToList();
        Assert.Contains(learned, l => l.PhoneUser == CarolPhone && l.LidUser + "@lid" == carol.Lid);
        var mappingAt = stored.ToList().FindIndex(o => o is LidMappingLearned l && l.PhoneUser == CarolPhone);
        var historyAt = stored.ToList().FindIndex(o => o is SessionEventRecord { BodyCase: SessionEventRecord.BodyOneofCase.HistorySynced });
        Assert.True(mappingAt < historyAt, "the mapping is stored before the history event");
    }
}
