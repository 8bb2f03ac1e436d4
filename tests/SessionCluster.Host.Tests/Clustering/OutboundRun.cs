using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SessionCluster.Host.Tests.Clustering;

/// <summary>
/// Outbound traffic through the API while the cluster changes under it: every session sends texts to the friend's
/// phone in turn, each with its own Idempotency-Key. A send whose call fails (the node answering it stopped, an ask
/// timed out during a handoff) is sent again with the same key, as a client does, until it is accepted (202). Then
/// every accepted text must be at the friend's phone exactly once.
/// </summary>
internal sealed class OutboundRun(ClusterRig rig, string friend, IReadOnlyList<string> sessions, Func<ClusterNode> via, TimeSpan pause)
{
    private readonly ConcurrentBag<(string Session, string Id, string Text)> _accepted = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    public int Accepted => _accepted.Count;

    /// <summary>Calls that had to be retried (and how they failed): buffered-not-dropped is what keeps this small.</summary>
    public ConcurrentQueue<string> Retries { get; } = new();

    public void Start() => _run = Task.Run(RunAsync);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }

    /// <summary>Waits until every accepted text is at the friend's phone; fails on a missing or a doubled one.</summary>
    public async Task AssertEachDeliveredOnceAsync()
    {
        using var http = new HttpClient();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var messages = await http.GetFromJsonAsync<JsonElement[]>($"{rig.Simulator.AdminUrl}/accounts/{friend}/messages");
            var counts = messages!.Where(m => !m.GetProperty("sentCopy").GetBoolean())
                .GroupBy(m => m.GetProperty("text").GetString() ?? "", StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var doubled = _accepted.Where(a => counts.GetValueOrDefault(a.Text) > 1).Select(a => $"{a.Session}: '{a.Text}' delivered {counts[a.Text]} times").ToList();
            Assert.True(doubled.Count == 0, string.Join("\n", doubled));
            var missing = _accepted.Where(a => !counts.ContainsKey(a.Text)).Select(a => $"{a.Session}: '{a.Text}' ({a.Id})").ToList();
            if (missing.Count == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < until, $"{missing.Count} of {_accepted.Count} accepted sends never reached the phone:\n{string.Join("\n", missing.Take(30))}");
            await Task.Delay(500);
        }
    }

    private async Task RunAsync()
    {
        var i = 0;
        while (!_stop.IsCancellationRequested)
        {
            var session = sessions[i % sessions.Count];
            var text = string.Create(CultureInfo.InvariantCulture, $"outbound #{i} from {session}");
            var key = string.Create(CultureInfo.InvariantCulture, $"out-{i}");
            while (true)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{session}/messages")
                    {
                        Content = JsonContent.Create(new { to = friend, type = "text", text }),
                    };
                    request.Headers.Add("Idempotency-Key", key);
                    using var response = await via().Http.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                        _accepted.Add((session, id, text));
                        break;
                    }

                    Retries.Enqueue($"{key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                catch (HttpRequestException e)
                {
                    Retries.Enqueue($"{key}: {e.Message}");
                }
                catch (TaskCanceledException e) when (!_stop.IsCancellationRequested)
                {
                    Retries.Enqueue($"{key}: {e.Message}");
                }

                await Task.Delay(200);
            }

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
}
