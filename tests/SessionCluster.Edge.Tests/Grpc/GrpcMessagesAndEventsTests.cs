using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using SessionCluster.Edge.Grpc.V1;

namespace SessionCluster.Edge.Tests.Grpc;

/// <summary>
/// A session linked with the QR from <c>Sessions.GetQr</c> and the simulator's phone, then <c>Messages.Send</c> and
/// <c>Messages.Get</c>, followed by <c>Events.Subscribe</c>: cut, and resumed from the last seq read, with no gap and no
/// duplicate. One session walks the whole story because linking is the slow part; each step asserts what it shows.
/// </summary>
[Collection(GrpcNodeCollection.Name)]
public sealed class GrpcMessagesAndEventsTests(EdgeNode node)
{
    private const string Owner = "15550031001";
    private const string Friend = "15550031002";
    private const string Session = "g-linked";

    [Fact]
    public async Task A_session_linked_over_grpc_sends_once_per_key_reports_status_and_its_event_stream_resumes_without_gap_or_duplicate()
    {
        using var grpc = new GrpcCaller(node);
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Owner);
        await SimulatorPhones.CreateAccountAsync(node.Simulator, Friend);
        await grpc.Sessions.CreateAsync(new CreateSessionRequest { Id = Session }, deadline: GrpcCaller.Deadline);

        await GrpcErrors.AssertAsync(() => grpc.Messages.SendAsync(Text("early", "too early")).ResponseAsync, StatusCode.FailedPrecondition, "session_not_linked");

        var qr = await grpc.Sessions.GetQrAsync(new GetQrRequest { Session = Session }, deadline: GrpcCaller.Deadline);
        Assert.False(string.IsNullOrEmpty(qr.Qr));
        Assert.True(qr.ExpiresAt.ToDateTimeOffset() > DateTimeOffset.UtcNow);
        await SimulatorPhones.ScanAsync(node.Simulator, Owner, qr.Qr);

        // The stream shows the link from the session's first event on, the QR it was given among them.
        var untilConnected = await grpc.ReadUntilAsync(new SubscribeRequest { Sessions = { Session } }, IsConnected, "session.status connected");
        AssertGapless(untilConnected, from: 1);
        Assert.Contains(untilConnected, e => e.Type == "session.qr" && JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty("qr").GetString() == qr.Qr);
        Assert.All(untilConnected, e => Assert.Equal(Session, e.Session));
        await GrpcErrors.AssertAsync(() => grpc.Sessions.GetQrAsync(new GetQrRequest { Session = Session }).ResponseAsync, StatusCode.FailedPrecondition, "session_linked");

        var sent = await grpc.Messages.SendAsync(Text("key-1", "hello over grpc"), deadline: GrpcCaller.Deadline);
        Assert.Equal("accepted", sent.Status);
        var repeated = await grpc.Messages.SendAsync(Text("key-1", "hello over grpc"), deadline: GrpcCaller.Deadline);
        Assert.Equal(sent.Id, repeated.Id);
        var other = await grpc.Messages.SendAsync(Text("key-2", "second over grpc", "+" + Friend), deadline: GrpcCaller.Deadline);
        Assert.NotEqual(sent.Id, other.Id);
        await GrpcErrors.AssertAsync(() => grpc.Messages.SendAsync(Text("key-self", "to myself", Owner)).ResponseAsync, StatusCode.InvalidArgument, "invalid_recipient");

        // Resumed after the last seq read: the next event is exactly the one after it, and on without a gap.
        var last = untilConnected[^1].Seq;
        var resumed = await grpc.ReadUntilAsync(
            new SubscribeRequest { Sessions = { Session }, After = { [Session] = last } },
            read => read.Any(e => IsStatusOf(e, sent.Id, "delivered", "read")),
            $"a delivered status for {sent.Id}");
        AssertGapless(resumed, from: last + 1);
        var stored = (await node.EventsAsync(Session)).Select(e => (e.GetProperty("seq").GetInt64(), e.GetProperty("type").GetString(), e.GetProperty("id").GetString())).ToList();
        Assert.Equal(stored.Skip((int)last).Take(resumed.Count), resumed.Select(e => (e.Seq, (string?)e.Type, (string?)e.Id)));

        var received = await SimulatorPhones.MessagesAsync(node.Simulator, Friend);
        Assert.Single(received, m => !m.SentCopy && m.Id == sent.Id && m.Text == "hello over grpc");

        // A file given as bytes and a reaction go through the same path as REST's (Baileys shows their content: MediaAndReactionSendTests).
        var image = await grpc.Messages.SendAsync(new SendMessageRequest
        {
            Session = Session, IdempotencyKey = "key-image", To = Friend, Type = "image",
            Media = new SessionCluster.Edge.Grpc.V1.Media { Data = Google.Protobuf.ByteString.CopyFrom(new byte[5000]), Mimetype = "image/png", Caption = "over grpc" },
        }, deadline: GrpcCaller.Deadline);
        var reaction = await grpc.Messages.SendAsync(new SendMessageRequest
        {
            Session = Session, IdempotencyKey = "key-reaction", To = Friend, Type = "reaction", Reaction = new Reaction { MessageId = sent.Id, Emoji = "👍" },
        }, deadline: GrpcCaller.Deadline);
        await Eventually.WaitForAsync(() => SimulatorPhones.MessagesAsync(node.Simulator, Friend), m => m.Any(x => x.Id == image.Id) && m.Any(x => x.Id == reaction.Id),
            "the friend's phone to receive the image and the reaction");
        await GrpcErrors.AssertAsync(() => grpc.Messages.SendAsync(new SendMessageRequest
        {
            Session = Session, IdempotencyKey = "key-unknown-reaction", To = Friend, Type = "reaction", Reaction = new Reaction { MessageId = "3EB0000000000000000000", Emoji = "👍" },
        }).ResponseAsync, StatusCode.NotFound, "message_not_found");

        // The store follows the events (a read model): it shows the delivery moments after the stream did.
        var status = await Eventually.WaitForAsync(
            async () => await grpc.Messages.GetAsync(new GetMessageRequest { Session = Session, Id = sent.Id }, deadline: GrpcCaller.Deadline),
            s => s.Status is "delivered" or "read",
            "the store to show the send delivered");
        Assert.Equal(sent.Id, status.Id);
        Assert.Equal(Friend + "@s.whatsapp.net", status.To);
        Assert.Contains(status.Status, new[] { "delivered", "read" });
        Assert.Equal("accepted", status.StatusHistory[0].Status);
        Assert.Contains(status.StatusHistory, s => s.Status == "sent");
        var rest = await node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}/messages/{sent.Id}");
        Assert.Equal(status.StatusHistory.Select(s => s.Status), rest.GetProperty("statusHistory").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        await GrpcErrors.AssertAsync(() => grpc.Messages.GetAsync(new GetMessageRequest { Session = Session, Id = "3EB0000000000000000000" }).ResponseAsync, StatusCode.NotFound, "message_not_found");

        // A type filter gives only that type, still in order; the stream across all the tenant's sessions includes this one.
        var statuses = await grpc.ReadUntilAsync(
            new SubscribeRequest { Types_ = { "message.status" }, After = { [Session] = 0 } },
            read => read.Any(e => IsStatusOf(e, sent.Id, "delivered", "read")),
            "the message statuses alone");
        Assert.All(statuses, e => Assert.Equal("message.status", e.Type));
        Assert.Equal(statuses.Where(e => e.Session == Session).Select(e => e.Seq).Order(), statuses.Where(e => e.Session == Session).Select(e => e.Seq));
    }

    [Fact]
    public async Task A_send_without_an_idempotency_key_or_with_bad_fields_is_invalid_argument_and_nothing_is_sent()
    {
        using var grpc = new GrpcCaller(node);
        await grpc.Sessions.CreateAsync(new CreateSessionRequest { Id = "g-send-checks" }, deadline: GrpcCaller.Deadline);

        foreach (var request in new[]
        {
            new SendMessageRequest { Session = "g-send-checks", To = Friend, Type = "text", Text = "x" },
            new SendMessageRequest { Session = "g-send-checks", IdempotencyKey = "has space", To = Friend, Type = "text", Text = "x" },
            new SendMessageRequest { Session = "g-send-checks", IdempotencyKey = "k", To = Friend, Type = "image", Text = "x" },
            new SendMessageRequest { Session = "g-send-checks", IdempotencyKey = "k", To = Friend, Type = "text", Text = "" },
            new SendMessageRequest { Session = "g-send-checks", IdempotencyKey = "k", To = "not-a-number", Type = "text", Text = "x" },
            new SendMessageRequest { Session = "g-send-checks", IdempotencyKey = "k", To = "123@g.us", Type = "text", Text = "x" },
            new SendMessageRequest { Session = "g-send-checks", IdempotencyKey = "k", To = Friend, Type = "image", Media = new SessionCluster.Edge.Grpc.V1.Media { Url = "https://example.com/a.jpg", Data = Google.Protobuf.ByteString.CopyFrom(1, 2) } },
            new SendMessageRequest { Session = "g-send-checks", IdempotencyKey = "k", To = Friend, Type = "reaction", Reaction = new Reaction { Emoji = "👍" } },
        })
        {
            await GrpcErrors.AssertAsync(() => grpc.Messages.SendAsync(request).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        }

        await GrpcErrors.AssertAsync(() => grpc.Messages.GetAsync(new GetMessageRequest { Session = "g-send-checks", Id = "not/an id" }).ResponseAsync, StatusCode.InvalidArgument, "invalid_request");
        Assert.DoesNotContain(await node.EventsAsync("g-send-checks"), e => e.GetProperty("type").GetString() == "message.status");
    }

    [Fact]
    public async Task A_subscription_with_bad_filters_is_invalid_argument()
    {
        using var grpc = new GrpcCaller(node);
        await grpc.Sessions.CreateAsync(new CreateSessionRequest { Id = "g-sub-checks" }, deadline: GrpcCaller.Deadline);

        foreach (var request in new[]
        {
            new SubscribeRequest { After = { ["g-sub-checks"] = -1 } },
            new SubscribeRequest { After = { ["-bad"] = 1 } },
            new SubscribeRequest { Types_ = { "" } },
            new SubscribeRequest { Types_ = { "Session Status" } },
        })
        {
            await GrpcErrors.AssertAsync(() => grpc.ReadUntilAsync(request, _ => false, "a refusal"), StatusCode.InvalidArgument, "invalid_request");
        }
    }

    private static SendMessageRequest Text(string key, string text, string to = Friend) =>
        new() { Session = Session, IdempotencyKey = key, To = to, Type = "text", Text = text };

    private static bool IsConnected(List<Event> read) =>
        read.Any(e => e.Type == "session.status" && JsonDocument.Parse(e.PayloadJson).RootElement.GetProperty("status").GetString() == "connected");

    private static bool IsStatusOf(Event e, string messageId, params string[] statuses)
    {
        if (e.Type != "message.status")
        {
            return false;
        }

        var payload = JsonDocument.Parse(e.PayloadJson).RootElement;
        return payload.GetProperty("id").GetString() == messageId && statuses.Contains(payload.GetProperty("status").GetString());
    }

    private static void AssertGapless(List<Event> events, long from) =>
        Assert.Equal(Enumerable.Range(0, events.Count).Select(i => from + i), events.Select(e => e.Seq));
}
