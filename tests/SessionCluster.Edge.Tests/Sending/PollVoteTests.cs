using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using SessionCluster.Edge.Tests.Chats;
using SessionCluster.Edge.Tests.Grpc;
using SessionCluster.Edge.Tests.Webhooks;
using SessionCluster.Interop.Tests.Simulator;
using Xunit.Abstractions;
using V1 = SessionCluster.Edge.Grpc.V1;

namespace SessionCluster.Edge.Tests.Sending;

/// <summary>
/// Poll votes both ways with a real Baileys companion (tests/Interop) through the simulator (docs/PROTOCOL.md §9 "A
/// vote"): our votes through REST and gRPC on Baileys' poll are read by Baileys' own decryptPollVote; a vote Baileys
/// seals with its own helpers on our poll is a <c>message.poll_vote</c> event with the option names; a tampered one is
/// a <c>message.poll_vote</c> that says it could not be read, and the session goes on.
/// </summary>
[Trait("Category", "Interop")]
[Collection(BaileysAlone.Name)]
public sealed class PollVoteTests(MediaNode media, ITestOutputHelper output) : IClassFixture<MediaNode>, IDisposable
{
    private const string ChatA = MediaNode.PhoneA + "@s.whatsapp.net";
    private const string ChatB = MediaNode.PhoneB + "@s.whatsapp.net";
    private const string Session = MediaNode.Session;
    private static readonly TimeSpan Timeout = MediaNode.Timeout;

    private EdgeNode Node => media.Node;

    private BaileysClient Bob => media.Bob;

    [Fact]
    public async Task Our_REST_and_gRPC_votes_on_a_Baileys_poll_are_read_by_Baileys_own_decryptPollVote()
    {
        var poll = await Bob.SendContentAsync(ChatA, new { poll = new { name = "Lunch?", values = new[] { "pizza", "salad", "soup" }, selectableCount = 1 } });
        var text = await Bob.SendTextAsync(ChatA, "not a poll");
        await WaitForEventAsync("message.received", text.Id!, "the session to receive Baileys' poll and text");

        var vote = await ActAsync(poll.Id!, new { options = new[] { "salad" } }, "vote-rest");
        await Bob.WaitForMessageAsync(m => m.Key.Id == vote, "Baileys to receive our vote", Timeout);
        Assert.Equal(["salad"], await Bob.DecryptPollVoteAsync(vote, poll.Id!));
        Assert.Equal(vote, await ActAsync(poll.Id!, new { options = new[] { "salad" } }, "vote-rest"));

        using var grpc = new GrpcCaller(Node);
        var changed = await grpc.Messages.VoteAsync(new V1.VotePollRequest { Session = Session, IdempotencyKey = "vote-grpc", MessageId = poll.Id, Options = { "soup" } }, deadline: GrpcCaller.Deadline);
        await Bob.WaitForMessageAsync(m => m.Key.Id == changed.Id, "Baileys to receive our gRPC vote", Timeout);
        Assert.Equal(["soup"], await Bob.DecryptPollVoteAsync(changed.Id, poll.Id!));
        // The store keeps our current choice beside Baileys' poll.
        var ours = await Eventually.WaitForAsync(() => StoredVotesAsync(poll.Id!), v => v.Count == 1 && v[0].Options == "soup", "the store to keep our latest vote");
        Assert.Equal((null, true), (ours[0].From, ours[0].FromMe));

        await AssertProblemAsync(poll.Id!, new { options = new[] { "pasta" } }, HttpStatusCode.UnprocessableEntity, "invalid_poll_option");
        await AssertProblemAsync(poll.Id!, new { options = new[] { "pizza", "soup" } }, HttpStatusCode.UnprocessableEntity, "invalid_poll_option");
        await AssertProblemAsync(text.Id!, new { options = new[] { "salad" } }, HttpStatusCode.NotFound, "poll_not_found");
        await AssertProblemAsync("3EB0000000000000000000", new { options = new[] { "salad" } }, HttpStatusCode.NotFound, "message_not_found");
        await AssertProblemAsync(poll.Id!, new { emoji = "👍" }, HttpStatusCode.BadRequest, "invalid_request");
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await grpc.Messages.VoteAsync(
            new V1.VotePollRequest { Session = Session, IdempotencyKey = "vote-grpc-refused", MessageId = text.Id, Options = { "salad" } }, deadline: GrpcCaller.Deadline));
        Assert.Equal(StatusCode.NotFound, refused.StatusCode);
        Assert.Empty(Bob.Errors);
    }

    [Fact]
    public async Task A_Baileys_vote_on_our_REST_poll_is_a_poll_vote_event_with_the_option_names_and_a_tampered_one_says_it_is_unreadable()
    {
        var poll = await AcceptedAsync(new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{Session}/messages")
        {
            Content = JsonContent.Create(new { to = ChatB, type = "poll", poll = new { name = "Which days?", options = new[] { "Mon", "Tue", "Wed" }, selectableCount = 2 } }),
        }, "poll-ours");
        await Bob.WaitForMessageAsync(m => m.Key.Id == poll && !m.Key.FromMe, "Baileys to receive our poll", Timeout);
        await using var receiver = await WebhookReceiver.StartAsync();
        var hook = await WebhookTestKit.CreateWebhookAsync(Node.Http, $"/v1/sessions/{Session}/webhooks", new { url = receiver.Url(), events = new[] { "message.poll_vote" } });
        receiver.Secret = hook.GetProperty("secret").GetString()!;

        var vote = await Bob.PollVoteAsync(ChatA, poll, ["Tue", "Wed"]);
        var read = await WaitForEventAsync("message.poll_vote", vote.Id!, "the session to read Baileys' vote");
        Assert.Equal((poll, false), (read.GetProperty("pollId").GetString(), read.GetProperty("encrypted").GetBoolean()));
        Assert.Equal(["Tue", "Wed"], read.GetProperty("selectedOptions").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(0, read.GetProperty("unknownOptions").GetInt32());
        // The webhook posts the same payload, signed.
        await WaitUntilAsync(() => Task.FromResult(receiver.Posts.Any(p => p.Type == "message.poll_vote")), "the webhook to post the vote");
        var posted = receiver.Posts.First(p => p.Type == "message.poll_vote");
        Assert.True(posted.SignatureValid);
        Assert.Equal(["Tue", "Wed"], posted.Json.GetProperty("payload").GetProperty("selectedOptions").EnumerateArray().Select(o => o.GetString()));

        // The store keeps Baileys' choice beside our poll; the tampered vote below changes nothing there.
        var kept = await Eventually.WaitForAsync(() => StoredVotesAsync(poll), v => v.Count == 1, "the store to keep Baileys' vote");
        Assert.Equal((ChatB, false, "Tue,Wed"), kept[0]);

        var tampered = await Bob.PollVoteAsync(ChatA, poll, ["Mon"], tamper: true);
        var unread = await WaitForEventAsync("message.poll_vote", tampered.Id!, "the session to store the tampered vote");
        Assert.True(unread.GetProperty("encrypted").GetBoolean());
        Assert.Equal("AuthenticationFailed", unread.GetProperty("failure").GetString());
        Assert.Equal(JsonValueKind.Null, unread.GetProperty("selectedOptions").ValueKind);

        // The session goes on: the next message arrives as usual.
        var after = await Bob.SendTextAsync(ChatA, "after the tampered vote");
        await WaitForEventAsync("message.received", after.Id!, "the text after the tampered vote");
        Assert.Equal(kept, await StoredVotesAsync(poll));
        Assert.Empty(Bob.Errors);
    }

    [Fact]
    public async Task After_a_node_restart_votes_on_our_poll_and_on_a_Baileys_poll_still_read_because_the_session_rebuilds_its_polls_from_the_journal()
    {
        var ours = await AcceptedAsync(new HttpRequestMessage(HttpMethod.Post, $"/v1/sessions/{Session}/messages")
        {
            Content = JsonContent.Create(new { to = ChatB, type = "poll", poll = new { name = "Before the restart?", options = new[] { "yes", "no" } } }),
        }, "poll-before-restart");
        await Bob.WaitForMessageAsync(m => m.Key.Id == ours && !m.Key.FromMe, "Baileys to receive our poll", Timeout);
        var theirs = await Bob.SendContentAsync(ChatA, new { poll = new { name = "Tea or coffee?", values = new[] { "tea", "coffee" }, selectableCount = 1 } });
        await WaitForEventAsync("message.received", theirs.Id!, "the session to receive Baileys' poll");
        // Baileys keeps its own poll as a message of its own (messages.upsert), so it can vote on it too.
        await Bob.WaitForMessageAsync(m => m.Key.Id == theirs.Id && m.Key.FromMe, "Baileys to record its own poll", Timeout);

        await Node.RestartAsync();
        await WaitUntilAsync(async () => (await Node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{Session}")).GetProperty("status").GetString() == "connected",
            "the session to connect again");

        var onOurs = await Bob.PollVoteAsync(ChatA, ours, ["no"]);
        var onTheirs = await Bob.PollVoteAsync(ChatA, theirs.Id!, ["coffee"]);
        var readOurs = await WaitForEventAsync("message.poll_vote", onOurs.Id!, "the vote on our poll after the restart");
        var readTheirs = await WaitForEventAsync("message.poll_vote", onTheirs.Id!, "the vote on Baileys' poll after the restart");
        Assert.Equal(["no"], readOurs.GetProperty("selectedOptions").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(["coffee"], readTheirs.GetProperty("selectedOptions").EnumerateArray().Select(o => o.GetString()));

        // Our own vote on Baileys' poll after the restart is still sealed with the right secret.
        var vote = await ActAsync(theirs.Id!, new { options = new[] { "tea" } }, "vote-after-restart");
        await Bob.WaitForMessageAsync(m => m.Key.Id == vote, "Baileys to receive our vote", Timeout);
        Assert.Equal(["tea"], await Bob.DecryptPollVoteAsync(vote, theirs.Id!));
        Assert.Empty(Bob.Errors);
    }

    public void Dispose()
    {
        while (media.Lines.TryDequeue(out var line))
        {
            output.WriteLine(line);
        }
    }

    private async Task<JsonElement> WaitForEventAsync(string type, string id, string what)
    {
        var events = await WebhookTestKit.WaitForEventsAsync(Node.Http, Session, events => events.Any(e => Is(e, type, id)), what);
        return events.First(e => Is(e, type, id)).GetProperty("payload");

        static bool Is(JsonElement e, string type, string id) =>
            e.GetProperty("type").GetString() == type && e.GetProperty("payload").GetProperty("id").GetString() == id;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> done, string what)
    {
        var until = DateTime.UtcNow + EdgeNode.Deadline;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < until, $"Waited for {what}.");
            await Task.Delay(100);
        }
    }

    /// <summary>The stored poll's votes as <c>GET .../messages/{id}</c> shows them: who, whether us, the options joined.</summary>
    private async Task<List<(string? From, bool FromMe, string Options)>> StoredVotesAsync(string pollId)
    {
        using var response = await Node.Http.GetAsync($"/v1/sessions/{Session}/messages/{pollId}");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return [];
        }

        var votes = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("votes");
        return votes.ValueKind != JsonValueKind.Array ? [] : [.. votes.EnumerateArray().Select(v => (v.GetProperty("from").GetString(), v.GetProperty("fromMe").GetBoolean(),
            string.Join(",", v.GetProperty("options").EnumerateArray().Select(o => o.GetString()))))];
    }

    private static HttpRequestMessage Vote(string messageId, object body) =>
        new(HttpMethod.Post, $"/v1/sessions/{Session}/messages/{messageId}:vote") { Content = JsonContent.Create(body) };

    private Task<string> ActAsync(string messageId, object body, string key) => AcceptedAsync(Vote(messageId, body), key);

    private async Task<string> AcceptedAsync(HttpRequestMessage request, string key)
    {
        using (request)
        {
            request.Headers.Add("Idempotency-Key", key);
            using var response = await Node.Http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{request.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }
    }

    private async Task AssertProblemAsync(string messageId, object body, HttpStatusCode status, string code)
    {
        using var request = Vote(messageId, body);
        request.Headers.Add("Idempotency-Key", "refused-" + Guid.NewGuid().ToString("N"));
        using var response = await Node.Http.SendAsync(request);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == status, $"{request.RequestUri}: expected {(int)status}, got {(int)response.StatusCode} {problem}");
        Assert.Equal(code, problem.GetProperty("code").GetString());
    }
}
