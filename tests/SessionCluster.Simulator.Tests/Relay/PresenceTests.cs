using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests.Relay;

/// <summary>Presence subscriptions and chatstate between two accounts' companions, and the phone's presence set through the admin API.</summary>
public sealed class PresenceTests
{
    [Fact]
    public async Task A_subscriber_gets_the_current_presence_then_every_change_of_companion_or_phone_and_chatstates_reach_the_peer()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        await using (a)
        await using (b)
        {
            await a.SendAsync(new Node("presence", [("type", "subscribe"), ("to", "15550002222@s.whatsapp.net"), ("id", "p1")]));
            var initial = await a.ReceiveUntilAsync(n => n.Tag == "presence");
            Assert.Equal(("15550002222@s.whatsapp.net", "unavailable"), (initial.GetString("from"), initial.GetString("type")));

            await b.SendAsync(new Node("presence", [("type", "available"), ("name", "B")]));
            var available = await a.ReceiveUntilAsync(n => n.Tag == "presence");
            Assert.Equal(("15550002222@s.whatsapp.net", "available"), (available.GetString("from"), available.GetString("type")));

            await b.SendAsync(new Node("chatstate", [("to", "15550001111@s.whatsapp.net")], [new Node("composing")]));
            var composing = await a.ReceiveUntilAsync(n => n.Tag == "chatstate");
            Assert.Equal("15550002222@s.whatsapp.net", composing.GetString("from"));
            Assert.Equal("composing", composing.Children[0].Tag);

            await b.SendAsync(new Node("presence", [("type", "unavailable")]));
            var gone = await a.ReceiveUntilAsync(n => n.Tag == "presence");
            Assert.Equal("unavailable", gone.GetString("type"));
            Assert.NotNull(gone.GetOptionalString("last"));

            // The phone going online is told to the subscriber as a companion's presence is; a bad type changes nothing.
            using var http = new HttpClient();
            using (var bad = await http.PostAsync($"{harness.Host.AdminUrl}/accounts/15550002222/presence", TestSimulator.Json(new { type = "composing" })))
            {
                Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
            }

            using (var online = await http.PostAsync($"{harness.Host.AdminUrl}/accounts/15550002222/presence", TestSimulator.Json(new { type = "available" })))
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, online.StatusCode);
            }

            var phoneOnline = await a.ReceiveUntilAsync(n => n.Tag == "presence");
            Assert.Equal(("15550002222@s.whatsapp.net", "available"), (phoneOnline.GetString("from"), phoneOnline.GetString("type")));
            Assert.Equal("available", harness.Host.Server.Presence.Current(harness.AccountOf(harness.B)).Type);

            // Nothing is echoed to the sender, nothing is queued.
            await RelayHarness.AssertNothingPendingAsync(b);
            Assert.Equal(0, harness.Host.Server.DeviceQueues.QueueDepth);
        }
    }
}
