using SessionCluster.Protocol.Binary;

namespace SessionCluster.Simulator.Tests.Relay;

/// <summary>What the session's edge capabilities need of the simulator: contact checks, chat states at the phone, presence, call offers and rejects.</summary>
public sealed class CallsAndContactsTests
{
    [Fact]
    public async Task A_contact_check_answers_a_registered_number_in_with_its_lid_an_unknown_one_out_and_echoes_each_query()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        await using (a)
        {
            var answer = await a.QueryAsync("usync", "get", new Node("usync", [("sid", "c1"), ("mode", "query"), ("context", "interactive"), ("last", "true"), ("index", "0")],
            [
                new Node("query", null, [new Node("contact"), new Node("lid")]),
                new Node("list", null,
                [
                    new Node("user", null, [new Node("contact", null, "+15550002222")]),
                    new Node("user", null, [new Node("contact", null, "+15559990000")]),
                ]),
            ]));

            var users = answer.GetChild("usync").GetChild("list").Children;
            Assert.Equal(("15550002222@s.whatsapp.net", "in", "+15550002222"), (users[0].GetString("jid"), users[0].GetChild("contact").GetString("type"), Content(users[0].GetChild("contact"))));
            Assert.Equal(harness.LidUserOf(harness.B), users[0].GetChild("lid").GetString("val"));
            Assert.Equal(("out", "+15559990000"), (users[1].GetChild("contact").GetString("type"), Content(users[1].GetChild("contact"))));
            Assert.Null(users[1].GetOptionalChild("lid"));
        }
    }

    [Fact]
    public async Task A_chat_state_reaches_the_recipients_phone_and_the_senders_presence_is_kept_for_the_admin_api()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (b, _, _) = await harness.B.OnlineAsync(harness.Host);
        await using (b)
        {
            Assert.Equal(("unavailable", 0L), harness.Host.Server.Presence.Current(harness.AccountOf(harness.B)));
            await b.SendAsync(new Node("presence", [("type", "available")]));
            await b.SendAsync(new Node("chatstate", [("to", "15550001111@s.whatsapp.net")], [new Node("composing", [("media", "audio")])]));

            var inbox = harness.Host.Server.Phones.Get(harness.AccountOf(harness.A)).Inbox;
            var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
            while (inbox.Chatstates().Count == 0 && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            var shown = Assert.Single(inbox.Chatstates());
            Assert.Equal(("15550002222@s.whatsapp.net", "composing", "audio"), (shown.From, shown.State, shown.Media));
            Assert.Equal("available", harness.Host.Server.Presence.Current(harness.AccountOf(harness.B)).Type);
        }
    }

    [Fact]
    public async Task A_call_offer_reaches_the_callees_companion_through_its_queue_and_its_reject_is_recorded_on_the_call()
    {
        await using var harness = await RelayHarness.StartAsync();
        var (a, _, _) = await harness.A.OnlineAsync(harness.Host);
        await using (a)
        {
            var placed = await harness.Host.Server.Calls.OfferAsync(harness.AccountOf(harness.B), harness.AccountOf(harness.A), CancellationToken.None);

            var call = await a.ReceiveUntilAsync(n => n.Tag == "call");
            var offer = call.GetChild("offer");
            Assert.Equal((placed.CallId, "15550002222@s.whatsapp.net"), (offer.GetString("call-id"), offer.GetString("call-creator")));
            Assert.Equal("15550002222@s.whatsapp.net", call.GetString("from"));

            await a.SendAsync(new Node("ack", [("id", call.GetString("id")), ("to", call.GetString("from")), ("class", "call")]));
            await a.SendAsync(new Node("call", [("id", "R1"), ("from", "15550001111@s.whatsapp.net"), ("to", "15550002222@s.whatsapp.net")],
                [new Node("reject", [("call-id", placed.CallId), ("call-creator", "15550002222@s.whatsapp.net"), ("count", "0")])]));

            var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(10);
            CallView view;
            while ((view = Assert.Single(harness.Host.Server.Calls.PlacedBy(harness.AccountOf(harness.B)))).RejectedBy.Count == 0 && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.Equal([harness.A.Jid], view.RejectedBy);
            Assert.Equal(0, harness.Host.Server.DeviceQueues.QueueDepth);
        }
    }

    /// <summary>A node's content as text (the binary codec hands string content back as bytes).</summary>
    private static string Content(Node node) => node.Text ?? System.Text.Encoding.UTF8.GetString(node.Bytes.Span);
}
