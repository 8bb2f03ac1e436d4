using System.Net.Http.Json;
using System.Text.Json;
using SessionCluster.Protocol.Binary;
using SessionCluster.Simulator.Tests.Support;

namespace SessionCluster.Simulator.Tests.Relay;

/// <summary><c>POST /admin/relay/hold</c> and <c>/release</c>: the load benchmark's way to measure a receiver's drain rate.</summary>
public sealed class RelayHoldTests
{
    [Fact]
    public async Task Held_messages_reach_an_active_companion_only_on_release_in_order_and_then_delivery_is_immediate_again()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        await using (a)
        await using (b)
        {
            using var http = new HttpClient();
            using var hold = await http.PostAsync(harness.Host.AdminUrl + "/relay/hold", null);
            Assert.True((await hold.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("held").GetBoolean());

            string[] ids = ["3EB0DDD1", "3EB0DDD2", "3EB0DDD3"];
            foreach (var id in ids)
            {
                await a.SendAsync(RelayHarness.Message(id, "15550002222@s.whatsapp.net", harness.B.Jid));
                await a.ReceiveUntilAsync(n => n.Tag == "ack" && n.GetString("id") == id);
            }

            // Accepted and queued, but nothing written to B while held.
            await RelayHarness.AssertNothingPendingAsync(b);

            using var release = await http.PostAsync(harness.Host.AdminUrl + "/relay/release", null);
            var released = await release.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(3, released.GetProperty("written").GetInt32());
            var delivered = new List<string>();
            foreach (var _ in ids)
            {
                var message = await b.ReceiveUntilAsync(n => n.Tag == "message");
                Assert.Null(message.GetOptionalString("offline"));
                delivered.Add(message.GetString("id"));
                await b.SendAsync(new Node("ack", [("id", message.GetString("id")), ("to", harness.A.Jid), ("class", "message")]));
            }

            Assert.Equal(ids, delivered);

            // Released: the next message goes out at once.
            await a.SendAsync(RelayHarness.Message("3EB0DDD4", "15550002222@s.whatsapp.net", harness.B.Jid));
            Assert.Equal("3EB0DDD4", (await b.ReceiveUntilAsync(n => n.Tag == "message")).GetString("id"));
        }
    }
}
