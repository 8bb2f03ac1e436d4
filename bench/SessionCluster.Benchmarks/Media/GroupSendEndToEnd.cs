using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Akka.Actor;
using SessionCluster.Benchmarks.Sessions;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Benchmarks.Media;

/// <summary>Session-level group send figures: Send told → MessageStatus Sent written (the server's ack), and allocation.</summary>
internal sealed record GroupSessionResult(int Members, double FirstMs, long FirstAllocated, double LaterMedianMs, long LaterMedianAllocated, int Later, int Polls, long PollAllocated)
{
    /// <summary>Why the send did not reach Sent within the timeout (the events the session wrote after it), else null.</summary>
    public string? Failure { get; init; }
}

/// <summary>
/// A whole group send through a linked session against the simulator: a group of <c>members</c> accounts (the
/// simulator's phones, one device each: its accounts get more devices only when real companions link) made by
/// <c>POST /admin/groups</c>, then <see cref="Send"/> to it. The first send fetches the group's members, their device
/// lists and prekey bundles, writes every new ratchet record and distributes our sender key pairwise; later sends are
/// the skmsg. Latency = journal timestamp of <c>MessageStatus Sent</c> − the moment the command was told. The journal
/// is polled every 250 ms to see the ack (timing comes from the timestamp, not the poll); the polls' own allocation is
/// measured apart and reported beside the figures.
/// </summary>
internal static class GroupSendEndToEnd
{
    public static async Task<GroupSessionResult> RunAsync(BenchNode node, IActorRef session, SessionId id, SimulatorAdmin admin, string creatorPhone, string memberPrefix, int members, int later, TimeSpan timeout, Action<string> log)
    {
        var phones = Enumerable.Range(0, members).Select(i => SimulatorAdmin.Phone(memberPrefix, i)).ToArray();
        var created = await Batches.ForEachAsync(phones, 32, admin.CreateAccountAsync);
        if (created.Failures > 0)
        {
            throw new InvalidOperationException($"Creating the members failed: {created.FirstError}");
        }

        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(admin.Url + "/groups", new { subject = "bench", creator = creatorPhone, participants = phones });
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST /groups: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var group = body.RootElement.GetProperty("jid").GetString()!;
        log($"group {group} with {members} members");

        // What one poll of the journal allocates, so that it can be told apart from the send's own allocation.
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var seen = (await node.EventsAsync(id)).Count;
        var pollAllocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        var polls = 0;
        string? failure = null;
        var (firstMs, firstAllocated) = await SendOnceAsync("first");
        if (failure is not null)
        {
            // A send that never reached Sent is the finding; later sends would only wait behind it.
            return new GroupSessionResult(members, double.NaN, 0, double.NaN, 0, 0, polls, pollAllocated) { Failure = failure };
        }

        var laterMs = new double[later];
        var laterAllocated = new long[later];
        for (var i = 0; i < later; i++)
        {
            (laterMs[i], laterAllocated[i]) = await SendOnceAsync("later " + i.ToString(CultureInfo.InvariantCulture));
        }

        Array.Sort(laterMs);
        Array.Sort(laterAllocated);
        return new GroupSessionResult(members, firstMs, firstAllocated, later > 0 ? laterMs[later / 2] : 0, later > 0 ? laterAllocated[later / 2] : 0, later, polls, pollAllocated);

        async Task<(double Ms, long Allocated)> SendOnceAsync(string text)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var told = DateTime.UtcNow.Ticks;
            var reply = await session.Ask<Reply>(Send.Text(id, group, "group " + text), BenchNode.AskTimeout);
            var messageId = reply is SendAccepted accepted ? accepted.MessageId : throw new InvalidOperationException($"Send to {group}: {reply}");
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                await Task.Delay(250);
                polls++;
                var events = await node.EventsAsync(id);
                var sent = events.Skip(seen).FirstOrDefault(e => e.Event.Body is MessageStatusBody { Status: MessageDelivery.Sent } s && s.MessageId == messageId);
                if (sent is not null)
                {
                    var total = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                    seen = events.Count;
                    var ms = TimeSpan.FromTicks(sent.WrittenTicks - told).TotalMilliseconds;
                    log($"group send ({text}): {ms:N1} ms, {total / 1024.0:N0} KiB allocated (polls included)");
                    return (ms, total);
                }

                if (events.Skip(seen).Any(e => e.Event.Body is MessageStatusBody { Status: MessageDelivery.Failed } f && f.MessageId == messageId) || Stopwatch.GetTimestamp() > deadline)
                {
                    failure = $"no Sent within {timeout.TotalSeconds:N0} s; written after the send: " +
                        string.Join(", ", events.Skip(seen).Select(e => e.Event.Body is MessageStatusBody m ? $"MessageStatus {m.Status} {m.Reason}" : e.Event.Body.GetType().Name).Take(20));
                    log($"group send ({text}): {failure}");
                    return (double.NaN, 0);
                }
            }
        }
    }
}
