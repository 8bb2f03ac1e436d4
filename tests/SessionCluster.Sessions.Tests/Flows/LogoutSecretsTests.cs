using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;
using static SessionCluster.Sessions.Tests.Support.LinkedSessions;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>
/// The wipe reaches the messaging secrets too: the one-time prekeys and the contact devices' ratchet records are
/// sealed under the session's data key, so after a logout nothing of them opens; a new link then receives again (the
/// old ratchet, unreadable, is dropped).
/// </summary>
public sealed class LogoutSecretsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string BobPhone = "15550002222";
    private readonly SessionNodes _nodes = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task After_a_logout_neither_the_prekeys_nor_the_ratchet_records_open_and_a_new_link_receives_again()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        await CreateAccountAsync(host);
        var system = _nodes.Start();
        var session = await CreateAndLinkAsync(system, host, Against(_nodes, host, SessionNodes.QuickReconnect));
        await WaitForPreKeysOnServerAsync(host);
        await SimulatorPhones.SendTextAsync(host, BobPhone, AliceJid, "before");
        await SessionLog.WaitForAsync(system, Alice, e => Received(e).Count() == 1, "the first text");

        // Sealed under the data key: the node key alone opens neither the prekeys nor the ratchet.
        var stored = await SessionLog.StoredAsync(system, Alice);
        var context = Encoding.UTF8.GetBytes(Alice.Value);
        var nodeBox = new SecretBox(_nodes.Key, RandomNumberGenerator.Create());
        var preKeys = stored.OfType<PreKeysGenerated>().First();
        Assert.Equal(SecretsFailure.WrongKey, Assert.Throws<SecretsException>(() => OneTimePreKeys.Empty.AddSealed(preKeys, nodeBox, context)).Failure);
        // Bob's ratchet (the own phone has one too: it shares the app-state key after linking).
        var ratchetId = Assert.Single(RatchetPersistenceIds(), id => id.EndsWith(bob.Lid, StringComparison.Ordinal));
        var ratchet = (await KeyJournal.StoredAsync(system, ratchetId)).OfType<RatchetStored>().Last();
        Assert.Equal(SecretsFailure.WrongKey, Assert.Throws<SecretsException>(() => nodeBox.Open(ratchet.SealedRecord.Span, Encoding.UTF8.GetBytes(ratchetId))).Failure);

        Assert.Equal(new LoggedOut(Alice, KeysWiped: true), await Ask(session, new Logout(Alice)));
        Assert.Empty(await KeyJournal.StoredKeysAsync(system, Alice));

        // Linked again with fresh keys: Bob's next text decrypts on a new session; the old ratchet record is dropped.
        Assert.IsType<LinkStarted>(await Ask(session, new LinkByQr(Alice)));
        await ScanFirstQrAsync(system, host, skip: (await SessionLog.EventsAsync(system, Alice)).QrCodes().Count);
        await WaitForPreKeysOnServerAsync(host);
        await SimulatorPhones.SendTextAsync(host, BobPhone, AliceJid, "after");
        var events = await SessionLog.WaitForAsync(system, Alice, e => Received(e).Count() == 2, "the text after the new link");
        Assert.Equal(["before", "after"], Received(events).Select(r => r.Text));
        Assert.True(_nodes.Logs.Count(1229) >= 1, "the unreadable ratchet record was dropped (event 1229)");
    }

    private static string AliceJid => Phone + "@s.whatsapp.net";

    private static IEnumerable<MessageReceivedBody> Received(IEnumerable<SessionEvent> events) => events.Select(e => e.Body).OfType<MessageReceivedBody>();

    private static Task WaitForPreKeysOnServerAsync(Simulator.SimulatorHost host) =>
        SimulatorPhones.WaitForAsync(() => DevicesAsync(host), d => d.Any(x => !x.Primary && x.PreKeys >= Sessions.Flows.PreKeys.UploadBatch), "the session's prekeys on the server");

    /// <summary>The ratchet journals of Alice in the SQLite file (read-only; the node keeps writing beside it).</summary>
    private List<string> RatchetPersistenceIds()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _nodes.JournalPath, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT persistence_id FROM journal WHERE persistence_id LIKE 'ratchet-alice-%'";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
