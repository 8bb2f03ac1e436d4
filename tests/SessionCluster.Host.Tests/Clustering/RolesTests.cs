using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.TestSupport;
using Xunit.Abstractions;

namespace SessionCluster.Host.Tests.Clustering;

/// <summary>
/// Two <c>sessions</c> nodes and one <c>edge</c>-only node: every call and live stream goes through the edge node
/// (a shard-region proxy, events over distributed pub-sub), the edge node never hosts a session, the sessions nodes
/// serve no API, and killing the edge node loses no session traffic (the sessions never notice).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RolesTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task With_two_sessions_nodes_and_an_edge_only_node_calls_and_streams_work_through_the_edge_which_hosts_no_session_and_whose_death_loses_nothing()
    {
        await using var rig = await ClusterRig.CreateAsync(postgres, nameof(RolesTests));
        var sessionsA = await rig.StartNodeAsync(roles: ["sessions"]);
        var sessionsB = await rig.StartNodeAsync(roles: ["sessions"]);
        var edge = await rig.StartNodeAsync(roles: ["edge"]);
        foreach (var node in rig.Nodes)
        {
            await node.WaitReadyAsync();
        }

        var sessions = Enumerable.Range(0, 4).Select(i => (Session: $"ro-{i}", Phone: string.Create(CultureInfo.InvariantCulture, $"1555360{i:D4}"))).ToList();
        foreach (var (session, phone) in sessions)
        {
            await rig.LinkSessionAsync(edge, session, phone);
        }

        const string Friend = "15553699999";
        await rig.CreateAccountAsync(Friend);

        // The edge node hosts no session; the sessions nodes host them all and serve no API.
        Assert.True(!edge.Process.Output.Contains("SessionCluster.Sessions.SessionActor", StringComparison.Ordinal),
            "the edge node ran a session:\n" + string.Join("\n", edge.Process.Output.Split('\n').Where(l => l.Contains("Sessions", StringComparison.Ordinal)).Take(10)));
        Assert.All(sessions, s => Assert.Contains(NodeLogs.HostOf([sessionsA, sessionsB], s.Phone), new[] { sessionsA, sessionsB }));
        using (var noApi = await sessionsA.Http.GetAsync("/v1/sessions"))
        {
            Assert.Equal(HttpStatusCode.NotFound, noApi.StatusCode);
        }

        // A live stream on the edge node carries an event of a session hosted on a sessions node.
        using (var stream = await edge.Http.GetAsync($"/v1/events/stream?sessions={sessions[0].Session}", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
            var id = await rig.PhoneSendsAsync(Friend, sessions[0].Phone, "through the edge's stream");
            using var deadline = new CancellationTokenSource(ClusterRig.Deadline);
            while (true)
            {
                var line = await reader.ReadLineAsync(deadline.Token) ?? throw new Xunit.Sdk.XunitException("the stream ended");
                if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains(id, StringComparison.Ordinal))
                {
                    using var data = JsonDocument.Parse(line["data:".Length..]);
                    Assert.Equal("message.received", data.RootElement.GetProperty("type").GetString());
                    break;
                }
            }
        }

        // A send through the edge node reaches the phone.
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{sessions[1].Session}/messages") { Content = JsonContent.Create(new { to = Friend, type = "text", text = "sent through the edge" }) })
        {
            request.Headers.Add("Idempotency-Key", "roles-1");
            using var sent = await edge.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }

        await ClusterRig.Eventually(async () =>
        {
            using var http = new HttpClient();
            var messages = await http.GetFromJsonAsync<JsonElement[]>($"{rig.Simulator.AdminUrl}/accounts/{Friend}/messages");
            return messages!.Any(m => m.GetProperty("text").GetString() == "sent through the edge") ? "" : null;
        }, "the send through the edge node at the phone");

        // Killing the edge node: the sessions keep running (no reconnect anywhere) and nothing sent meanwhile is lost.
        var traffic = new TrafficRun(rig, Friend, sessions, TimeSpan.FromMilliseconds(100));
        traffic.Start();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var connectedBefore = Connections(rig.Nodes);
        await edge.Process.SignalAsync("KILL");
        await Task.Delay(TimeSpan.FromSeconds(15));
        var replacement = await rig.StartNodeAsync(roles: ["edge"]);
        await replacement.WaitReadyAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await traffic.StopAsync();
        await traffic.AssertEachReceivedOnceAsync(replacement);
        Assert.Equal(connectedBefore, Connections(rig.Nodes));
        Assert.DoesNotContain("SessionCluster.Sessions.SessionActor", replacement.Process.Output, StringComparison.Ordinal);
        output.WriteLine($"{traffic.Sent} texts sent while the edge node died and a new one joined, each received once; sessions connected {connectedBefore} times in all, unchanged");
    }

    /// <summary>How many times any session connected, on any node (a session disturbed by the edge's death would connect again).</summary>
    private static int Connections(IEnumerable<ClusterNode> nodes) =>
        nodes.Sum(n => n.Process.Output.Split('\n').Count(l => l.Contains("SessionCluster.Sessions.SessionActor: Session ", StringComparison.Ordinal) && l.EndsWith(": connected.", StringComparison.Ordinal)));
}
