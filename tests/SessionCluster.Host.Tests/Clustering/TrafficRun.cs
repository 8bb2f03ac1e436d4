using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace SessionCluster.Host.Tests.Clustering;

/// <summary>
/// Inbound traffic while the cluster changes under it: the simulator's friend phone sends a text to every session's
/// account in turn, as fast as the simulator accepts them, until stopped. Then every text is checked at its session
/// through the API: received exactly once (0 lost, 0 duplicated), whichever node hosted the session meanwhile.
/// </summary>
internal sealed class TrafficRun(ClusterRig rig, string friend, IReadOnlyList<(string Session, string Phone)> sessions, TimeSpan pause)
{
    private readonly ConcurrentBag<(string Session, string Id)> _sent = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    public int Sent => _sent.Count;

    public void Start() => _run = Task.Run(RunAsync);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }

    /// <summary>Waits until every text sent is in its session's events; fails naming the missing and the duplicated.</summary>
    public async Task AssertEachReceivedOnceAsync(ClusterNode via)
    {
        var expected = _sent.GroupBy(s => s.Session).ToDictionary(g => g.Key, g => g.Select(s => s.Id).ToHashSet(StringComparer.Ordinal));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var missing = new List<string>();
            foreach (var (session, ids) in expected)
            {
                var received = (await via.EventsAsync(session))
                    .Where(e => e.GetProperty("type").GetString() == "message.received")
                    .Select(e => e.GetProperty("payload").GetProperty("id").GetString()!)
                    .Where(ids.Contains)
                    .GroupBy(id => id, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

                // A duplicate never heals by waiting: fail on it at once.
                var duplicated = received.Where(r => r.Value > 1).Select(r => $"{session}: {r.Key} received {r.Value} times").ToList();
                Assert.True(duplicated.Count == 0, string.Join("\n", duplicated));
                missing.AddRange(ids.Where(id => !received.ContainsKey(id)).Select(id => $"{session}: {id}"));
            }

            if (missing.Count == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < until, $"{missing.Count} of {_sent.Count} texts never arrived:\n{string.Join("\n", missing.Take(30))}");
            await Task.Delay(500);
        }
    }

    private async Task RunAsync()
    {
        var i = 0;
        while (!_stop.IsCancellationRequested)
        {
            var (session, phone) = sessions[i % sessions.Count];
            var id = await rig.PhoneSendsAsync(friend, phone, string.Create(CultureInfo.InvariantCulture, $"traffic #{i} to {session}"));
            _sent.Add((session, id));
            i++;
            try
            {
                await Task.Delay(pause, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The "at" of the session's first event of <paramref name="type"/> (with a status) after <paramref name="since"/>.</summary>
    public static DateTimeOffset? FirstAfter(IEnumerable<JsonElement> events, string status, DateTimeOffset since) => events
        .Where(e => e.GetProperty("type").GetString() == "session.status" && e.GetProperty("payload").GetProperty("status").GetString() == status)
        .Select(e => e.GetProperty("at").GetDateTimeOffset())
        .Where(at => at > since)
        .Cast<DateTimeOffset?>()
        .FirstOrDefault();
}
