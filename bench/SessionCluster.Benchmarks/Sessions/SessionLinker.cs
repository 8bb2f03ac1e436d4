using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using SessionCluster.Sessions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Benchmarks.Sessions;

/// <summary>
/// Creates the sessions (actor, Create: keys made and persisted, no connection) and links them by QR: LinkByQr, the QR
/// read back from the journal, <c>POST /admin/accounts/{phone}/link</c>, then the session's own 515 restart and login
/// until <see cref="SessionStatus.Connected"/>.
/// </summary>
internal sealed class SessionLinker(BenchNode node, SimulatorAdmin admin, string phonePrefix)
{
    private readonly ConcurrentDictionary<int, IActorRef> _sessions = new();

    public static SessionId Id(int i) => new("s" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public IActorRef this[int i] => _sessions[i];

    /// <summary>The sessions that reached Connected in <see cref="LinkAsync"/>, ascending.</summary>
    public int[] Connected => [.. _connected.Order()];

    private readonly ConcurrentBag<int> _connected = [];

    public async Task<(int Failures, string? FirstError)> CreateAsync(int count, int concurrency)
    {
        var dependencies = node.Dependencies();
        return await Batches.ForEachAsync(Enumerable.Range(0, count), concurrency, async i =>
        {
            var session = node.StartSession(Id(i), dependencies);
            _sessions[i] = session;
            var reply = await session.Ask<Reply>(new Create(Id(i), new SessionOptions("SessionCluster", "Chrome", onlineOnConnect: false)), BenchNode.AskTimeout);
            if (reply is not Created)
            {
                throw new InvalidOperationException($"Create {Id(i)}: {reply}");
            }
        });
    }

    /// <summary>Links session i to account i; each link's duration (ms, LinkByQr to Connected) goes to <paramref name="durations"/>.</summary>
    public Task<(int Failures, string? FirstError)> LinkAsync(int count, int concurrency, ConcurrentBag<double> durations) =>
        Batches.ForEachAsync(Enumerable.Range(0, count), concurrency, async i =>
        {
            var started = Stopwatch.GetTimestamp();
            var session = _sessions[i];
            var reply = await session.Ask<Reply>(new LinkByQr(Id(i)), BenchNode.AskTimeout);
            if (reply is not LinkStarted)
            {
                throw new InvalidOperationException($"LinkByQr {Id(i)}: {reply}");
            }

            var qr = await WaitForQrAsync(Id(i));
            await admin.LinkAsync(SimulatorAdmin.Phone(phonePrefix, i), qr);
            await WaitForStatusAsync(session, Id(i), SessionStatus.Connected, TimeSpan.FromSeconds(90));
            durations.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            _connected.Add(i);
        });

    public static async Task WaitForStatusAsync(IActorRef session, SessionId id, SessionStatus status, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var reply = await session.Ask<Reply>(new GetStatus(id), BenchNode.AskTimeout);
            if (reply is StatusReply { Status.Status: var now } && now == status)
            {
                return;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{id} not {status} after {timeout.TotalSeconds} s: {reply}");
            }

            await Task.Delay(100);
        }
    }

    private async Task<string> WaitForQrAsync(SessionId id)
    {
        var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        while (true)
        {
            var qr = (await node.EventsAsync(id)).Select(e => e.Event.Body).OfType<QrCodeBody>().LastOrDefault();
            if (qr is not null)
            {
                return qr.Qr;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{id}: no QR in 30 s");
            }

            await Task.Delay(100);
        }
    }
}
