using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using SessionCluster.Simulator;
using SessionCluster.Simulator.Phone;
using Xunit.Abstractions;
using static SessionCluster.Interop.Tests.Simulator.SimulatorInteropSupport;

namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// Real Baileys companions of new accounts all sending at the same moment, back to back, without waiting for each
/// other: first contact made from every side at once (crossing prekey bundle fetches and pkmsg streams), then
/// sessions in use both ways. Every message must reach every device of its recipient exactly once (the phone the
/// simulator plays, and each Baileys companion) and be held as a copy on the sender's other devices (its phone and
/// its other companion).
/// </summary>
/// <remarks>
/// What is held to "0 lost": the relay, the offline queues, the prekey hand-out and the phones (the project's own
/// Signal engine) — every message, every round. A Baileys companion may still fail to decrypt a message it was
/// handed, through Baileys 7.0.0-rc14's own lost update between its send and decrypt transactions
/// (<see cref="BaileysKeyStoreRaceTests"/> reproduces both forms without a server); such a message is counted, and
/// it must show at that companion as a decryption failure (Baileys' own "failed to decrypt message"); or the sending
/// Baileys left that device out of its fan-out after failing to encrypt for it (its "Failed to encrypt for recipient",
/// and the relay's <see cref="SessionCluster.Simulator.Relay.RelayLedger"/> shows the message was never queued for the
/// device). Anything else that does not arrive fails the test, as does a message decrypted more often at a device than
/// the relay queued it there. A message decrypted twice because its sender sent it twice is Baileys' own: when a
/// retry receipt comes from a phone (device 0, a JID without a device part, here the phone that could not decrypt a
/// copy Baileys' race had encrypted with a stale session), Baileys 7.0.0-rc14's <c>sendMessagesAgain</c> resends the
/// message to every device of the chat, not only to the one that asked; the relay ledger shows it queued twice, and
/// it is counted apart.
/// docs/SIMULATOR.md, "Concurrent senders".
/// </remarks>
[Trait("Category", "Interop")]
public sealed class ConcurrentMessagingTests(ITestOutputHelper output) : SimulatorInteropTest(output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>How long nothing may happen anywhere before a round counts as settled (retries included).</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Two_companions_of_two_accounts_send_50_each_to_the_other_at_once_three_times_and_every_device_gets_each_once()
    {
        for (var round = 0; round < 3; round++)
        {
            await RoundAsync(round, accounts: 2, companionsPerAccount: 1, perDestination: 50);
        }
    }

    [Fact]
    public async Task Six_companions_of_three_accounts_send_20_each_to_every_other_account_at_once_three_times_and_every_device_gets_each_once()
    {
        for (var round = 0; round < 3; round++)
        {
            await RoundAsync(round, accounts: 3, companionsPerAccount: 2, perDestination: 20);
        }
    }

    /// <summary>One round on a fresh simulator with fresh accounts: first contact is where most can go wrong.</summary>
    private async Task RoundAsync(int round, int accounts, int companionsPerAccount, int perDestination)
    {
        await using var host = await SimulatorHost.StartAsync(configureLogging: Logs.Attach);
        using var http = new HttpClient();
        var phones = Enumerable.Range(0, accounts).Select(a => string.Create(CultureInfo.InvariantCulture, $"1555{round}0{a}{accounts}{companionsPerAccount}77")).ToArray();
        foreach (var phone in phones)
        {
            await CreateAccountAsync(http, host, phone);
        }

        var companions = new List<Companion>();
        try
        {
            for (var a = 0; a < accounts; a++)
            {
                for (var c = 0; c < companionsPerAccount; c++)
                {
                    // Both ways a companion joins: the second account's first companion by pairing code, the rest by QR.
                    var name = $"{phones[a]}/{c}";
                    var options = new BaileysClientOptions { LogLevel = "warn", StderrLine = line => Logs.Write($"baileys {name}: {line}"), WaitTimeout = Timeout };
                    var (client, device) = await LinkWithHistorySyncAsync(http, host, phones[a], Path.Combine(Folder, name.Replace('/', '-')), options, byPairingCode: a == 1 && c == 0);
                    companions.Add(new Companion(a, device, name, client));
                }
            }

            var marks = companions.ToDictionary(c => c, c => c.Client.Mark());
            Log($"round {round}: {companions.Count} companions of {accounts} accounts send {perDestination} to every other account at once");
            var sent = (await Task.WhenAll(companions.Select(c => SendAllAsync(c, phones, perDestination)))).SelectMany(s => s).ToArray();

            await SettleAsync(http, host, phones, companions, marks, sent);
            var report = await CheckAsync(http, host, phones, companions, marks, sent);
            foreach (var line in report.BaileysLosses.Concat(report.BaileysResends))
            {
                Log($"round {round}: {line}");
            }

            Log($"round {round}: {sent.Length} messages; {report.Deliveries} deliveries checked; lost by Baileys' key-store race: {report.BaileysLosses.Count}; " +
                $"sent again by Baileys to every device: {report.BaileysResends.Count}; simulator or phone faults: {report.Faults.Count}");
            Assert.True(report.Faults.Count == 0, $"round {round}:\n" + string.Join("\n", report.Faults));
        }
        finally
        {
            foreach (var companion in companions)
            {
                await companion.Client.DisposeAsync();
            }
        }
    }

    /// <summary>The companion's texts, back to back (each <c>sendMessage</c> awaited, nothing else), round-robin over the other accounts.</summary>
    private static async Task<IReadOnlyList<Sent>> SendAllAsync(Companion from, string[] phones, int perDestination)
    {
        var sent = new List<Sent>();
        for (var i = 0; i < perDestination; i++)
        {
            for (var to = 0; to < phones.Length; to++)
            {
                if (to == from.Account)
                {
                    continue;
                }

                var text = string.Create(CultureInfo.InvariantCulture, $"{from.Name} -> {phones[to]} #{i}");
                var key = await from.Client.SendTextAsync(phones[to] + "@s.whatsapp.net", text);
                sent.Add(new Sent(key.Id ?? throw new InvalidOperationException("sendMessage returned no id."), text, from, to));
            }
        }

        return sent;
    }

    /// <summary>Waits until every delivery happened, or until nothing at all happened for <see cref="Quiet"/> (retries settled).</summary>
    private static async Task SettleAsync(
        HttpClient http, SimulatorHost host, string[] phones, List<Companion> companions, Dictionary<Companion, int> marks, Sent[] sent)
    {
        var deadline = DateTime.UtcNow + Timeout + Timeout;
        var lastChange = DateTime.UtcNow;
        var lastCount = -1;
        while (DateTime.UtcNow < deadline && DateTime.UtcNow - lastChange < Quiet)
        {
            var count = companions.Sum(c => c.Client.Events.Count);
            foreach (var phone in phones)
            {
                count += (await PhoneMessagesAsync(http, host, phone)).Length;
            }

            if (count != lastCount)
            {
                lastCount = count;
                lastChange = DateTime.UtcNow;
            }

            var report = await CheckAsync(http, host, phones, companions, marks, sent);
            if (report.Faults.Count == 0 && report.BaileysLosses.Count == 0)
            {
                return;
            }

            await Task.Delay(250);
        }
    }

    private static async Task<Report> CheckAsync(
        HttpClient http, SimulatorHost host, string[] phones, List<Companion> companions, Dictionary<Companion, int> marks, Sent[] sent)
    {
        var faults = new List<string>();
        var losses = new List<string>();
        var resends = new List<string>();
        var deliveries = 0;
        var atPhones = new Dictionary<int, PhoneMessage[]>();
        for (var a = 0; a < phones.Length; a++)
        {
            atPhones[a] = await PhoneMessagesAsync(http, host, phones[a]);
        }

        foreach (var message in sent)
        {
            // The phones: the recipient's gets the message, the sender's a copy of it; each exactly once.
            deliveries += 2;
            var queuedFor = host.Server.DeviceQueues.Ledger.DevicesOf(message.Id);
            var atRecipientPhone = atPhones[message.To].Count(m => m.Id == message.Id && !m.SentCopy && m.Text == message.Text);
            var queuedAtRecipientPhone = queuedFor.Count(q => q.Phone == phones[message.To] && q.Device == 0);
            if (atRecipientPhone > 1 && atRecipientPhone == queuedAtRecipientPhone)
            {
                resends.Add($"{message.Text} ({message.Id}): sent {atRecipientPhone} times to the recipient's phone");
            }
            else if (atRecipientPhone != 1)
            {
                faults.Add($"{message.Text} ({message.Id}): {atRecipientPhone} times at the recipient's phone");
            }

            var atSenderPhone = atPhones[message.From.Account].Count(m => m.Id == message.Id && m.SentCopy && m.Text == message.Text);
            var queuedAtSenderPhone = queuedFor.Count(q => q.Phone == phones[message.From.Account] && q.Device == 0);
            if (atSenderPhone > 1 && atSenderPhone == queuedAtSenderPhone)
            {
                resends.Add($"{message.Text} ({message.Id}): sent {atSenderPhone} times to the sender's phone");
            }
            else if (atSenderPhone != 1)
            {
                faults.Add($"{message.Text} ({message.Id}): {atSenderPhone} copies at the sender's phone");
            }

            // The companions: every one of the recipient account, and the sender's other ones (as a copy, fromMe).
            foreach (var companion in companions.Where(c => c.Account == message.To || (c.Account == message.From.Account && c != message.From)))
            {
                deliveries++;
                var fromMe = companion.Account == message.From.Account;
                var events = companion.Client.Events.Skip(marks[companion]).ToArray();
                var decrypted = events.OfType<BaileysMessage>().Count(m => m.Key.Id == message.Id && m.Text == message.Text && m.Key.FromMe == fromMe);
                var failures = events.OfType<BaileysDecryptFailure>().Where(f => f.Id == message.Id).ToArray();
                var queued = queuedFor.Count(q => q.Phone == phones[companion.Account] && q.Device == companion.Device);
                if (decrypted > 1 && decrypted == queued)
                {
                    resends.Add($"{message.Text} ({message.Id}): sent {decrypted} times to {companion.Name}");
                }
                else if (decrypted > 1)
                {
                    faults.Add($"{message.Text} ({message.Id}): {decrypted} times at {companion.Name}");
                }
                else if (decrypted == 1)
                {
                    continue;
                }
                else if (failures.Length > 0)
                {
                    var causes = failures.Select(f => $"{f.MessageType} {f.ErrorName}: {f.Error}").Distinct();
                    losses.Add($"{message.Text} ({message.Id}) at {companion.Name}: handed over, not decrypted ({string.Join("; ", causes)})");
                }
                else if (queued == 0 && EncryptFailuresFor(host, phones[companion.Account], companion.Device, message.From, marks).FirstOrDefault() is { } left)
                {
                    losses.Add($"{message.Text} ({message.Id}) at {companion.Name}: left out by the sender ({left.ErrorName}: {left.Error})");
                }
                else
                {
                    faults.Add($"{message.Text} ({message.Id}): never reached {companion.Name}, not even as a failed decryption (queued for it: {queued})");
                }
            }
        }

        return new Report(faults, losses, resends, deliveries);
    }

    /// <summary>The sender's logged failures to encrypt for that device (by phone number or LID), since the round began.</summary>
    private static IEnumerable<BaileysEncryptFailure> EncryptFailuresFor(SimulatorHost host, string phone, int device, Companion sender, Dictionary<Companion, int> marks)
    {
        var account = host.Server.Accounts.Find(phone)!;
        string[] forms = [account.DeviceJid(device).ToString(), account.DeviceLid(device).ToString()];
        return sender.Client.Events.Skip(marks[sender]).OfType<BaileysEncryptFailure>().Where(f => forms.Contains(f.Jid));
    }

    private void Log(string line) => Logs.Write("test: " + line);

    private sealed record Companion(int Account, int Device, string Name, BaileysClient Client);

    private sealed record Sent(string Id, string Text, Companion From, int To);

    private sealed record Report(List<string> Faults, List<string> BaileysLosses, List<string> BaileysResends, int Deliveries);
}
