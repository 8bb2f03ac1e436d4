using System.Net;
using System.Text.Json;
using SessionCluster.Edge.Tests.Linking;
using SessionCluster.Edge.Tests.Webhooks;

namespace SessionCluster.Edge.Tests.Capabilities;

/// <summary>A node-wide send rate (<c>SC:Sessions</c>) paces every session that names none of its own; its sends are all accepted at once.</summary>
public sealed class NodeSendRateTests : IAsyncLifetime
{
    private const string Owner = "15550107001";
    private const string Friend = "15550107002";
    private readonly EdgeNode _node = new("--SC:Sessions:SendRatePerSecond=1", "--SC:Sessions:SendRateBurst=1");

    public Task InitializeAsync() => _node.InitializeAsync();

    public Task DisposeAsync() => _node.DisposeAsync();

    [Fact]
    public async Task Three_sends_are_accepted_at_once_and_leave_about_a_second_apart_at_one_per_second_with_a_burst_of_one()
    {
        await SimulatorPhones.CreateAccountAsync(_node.Simulator, Friend);
        await QrLinking.LinkAsync(_node, "paced", Owner);

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await WebhookTestKit.SendTextAsync(_node.Http, "paced", Friend, $"paced {i}"));
        }

        var events = await _node.WaitForEventsAsync("paced", e => ids.All(id => SentAt(e, id) is not null), "the three sends to leave");
        var sent = ids.Select(id => SentAt(events, id)!.Value).Order().ToList();

        // The bucket holds one token and refills one a second (the margin covers the server ack's jitter): the second and third wait for theirs.
        Assert.True(sent[1] - sent[0] >= TimeSpan.FromMilliseconds(600), $"the second left {(sent[1] - sent[0]).TotalMilliseconds} ms after the first");
        Assert.True(sent[2] - sent[1] >= TimeSpan.FromMilliseconds(600), $"the third left {(sent[2] - sent[1]).TotalMilliseconds} ms after the second");
    }

    private static DateTimeOffset? SentAt(List<JsonElement> events, string id) =>
        events.Where(e => e.GetProperty("type").GetString() == "message.status"
                && e.GetProperty("payload").GetProperty("id").GetString() == id
                && e.GetProperty("payload").GetProperty("status").GetString() == "sent")
            .Select(e => (DateTimeOffset?)e.GetProperty("at").GetDateTimeOffset())
            .FirstOrDefault();
}
