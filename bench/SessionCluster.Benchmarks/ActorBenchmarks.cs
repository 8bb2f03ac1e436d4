using BenchmarkDotNet.Attributes;
using SessionCluster.Actors;

namespace SessionCluster.Benchmarks;

/// <summary>
/// Message throughput of the actor runtime (docs/BENCHMARKS.md, "Actors"; bench/run-actor-benchmarks.sh).
/// Every invocation delivers exactly <see cref="Messages"/> messages (<c>OperationsPerInvoke</c>), so BenchmarkDotNet's
/// time per operation is the time per message and 1 s divided by it is messages/s.
/// </summary>
/// <remarks>
/// <para>
/// <b>Ping-pong</b> (like Akka.NET's PingPong benchmark): <see cref="Pairs"/> independent pairs of actors; each pinger
/// starts <see cref="InFlight"/> balls towards its ponger, which sends each straight back, and the pinger sends a ball
/// again for every one it gets back until the pair has exchanged its share (1,000,000 / pairs messages, each direction
/// counted). The invocation ends when every pair received its last ball.
/// </para>
/// <para>
/// <b>Fan-out</b>: one sender actor tells 1,000,000 messages round-robin to <see cref="Receivers"/> receivers, which
/// count them; the invocation ends when every receiver counted its share.
/// </para>
/// <para>
/// Both use one pre-allocated message object (no allocation per message in the benchmark itself, so what is allocated
/// is the runtime's), the default <see cref="ActorSystemOptions"/> (thread-pool dispatcher, throughput 32) and unbounded
/// mailboxes. The actors are created once per benchmark case, not per invocation.
/// </para>
/// </remarks>
public abstract class ActorBenchmarks
{
    /// <summary>Messages per invocation: 1 M, the figure.</summary>
    public const int Messages = 1_000_000;

    /// <summary>Balls each pair keeps bouncing at once.</summary>
    public const int InFlight = 100;

    private protected ActorSystem Runtime { get; set; } = null!;

    private protected Completion Done { get; } = new();

    [GlobalCleanup]
    public void Cleanup() => Runtime.ShutdownAsync().GetAwaiter().GetResult();

    /// <summary>The message; two shared instances, so nothing is allocated per message by the benchmark.</summary>
    public sealed class Ball
    {
        public static readonly Ball Instance = new();
        public static readonly Ball Start = new();
    }

    /// <summary>Counts finished pairs or receivers down to zero.</summary>
    private protected sealed class Completion
    {
        private int _remaining;
        private TaskCompletionSource _task = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reset(int count)
        {
            _task = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _remaining, count);
            return _task.Task;
        }

        public void One()
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _task.TrySetResult();
            }
        }
    }
}

/// <summary>Ping-pong across <see cref="Pairs"/> pairs; see <see cref="ActorBenchmarks"/>.</summary>
[Config(typeof(SuiteConfig))]
public class PingPongActorBenchmarks : ActorBenchmarks
{
    private Pinger[] _pingers = [];
    private ActorRef<Ball>[] _pingerRefs = [];

    /// <summary>Independent ping-pong pairs (values divide 500,000, so every pair exchanges the same count).</summary>
    [ParamsSource(nameof(PairCounts))]
    public int Pairs { get; set; }

    public static IEnumerable<int> PairCounts => [1, 2, 8, 32, 1000];

    [GlobalSetup]
    public void Setup()
    {
        Runtime = ActorSystem.Create("bench-pingpong");
        var roundTrips = Messages / 2 / Pairs;
        _pingers = new Pinger[Pairs];
        _pingerRefs = new ActorRef<Ball>[Pairs];
        for (var i = 0; i < Pairs; i++)
        {
            var box = new RefBox();
            var ponger = Runtime.Spawn(() => new Ponger(box));
            var pinger = new Pinger(ponger, roundTrips, Done);
            _pingers[i] = pinger;
            _pingerRefs[i] = Runtime.Spawn(() => pinger);
            box.Target = _pingerRefs[i];
        }
    }

    /// <summary>1,000,000 messages bounced across <see cref="Pairs"/> pairs, <see cref="ActorBenchmarks.InFlight"/> in flight per pair.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public Task PingPong()
    {
        var task = Done.Reset(Pairs);
        for (var i = 0; i < _pingers.Length; i++)
        {
            _pingers[i].Reset(); // the pinger is idle here; the Tell below publishes the reset to its next turn
            _pingerRefs[i].Tell(Ball.Start);
        }

        return task;
    }

    private sealed class RefBox
    {
        public ActorRef<Ball>? Target;
    }

    private sealed class Pinger(ActorRef<Ball> ponger, int roundTrips, Completion done) : Actor<Ball>
    {
        private int _toSend;
        private int _toReceive;

        public void Reset()
        {
            _toSend = roundTrips;
            _toReceive = roundTrips;
        }

        protected internal override ValueTask ReceiveAsync(Ball message)
        {
            if (ReferenceEquals(message, Ball.Start))
            {
                var first = Math.Min(InFlight, _toSend);
                _toSend -= first;
                for (var i = 0; i < first; i++)
                {
                    ponger.Tell(Ball.Instance);
                }

                return default;
            }

            if (_toSend > 0)
            {
                _toSend--;
                ponger.Tell(message);
            }

            if (--_toReceive == 0)
            {
                done.One();
            }

            return default;
        }
    }

    private sealed class Ponger(RefBox pinger) : Actor<Ball>
    {
        protected internal override ValueTask ReceiveAsync(Ball message)
        {
            pinger.Target!.Tell(message);
            return default;
        }
    }

}

/// <summary>One sender to <see cref="Receivers"/> receivers; see <see cref="ActorBenchmarks"/>.</summary>
[Config(typeof(SuiteConfig))]
public class FanOutActorBenchmarks : ActorBenchmarks
{
    private Receiver[] _receivers = [];
    private ActorRef<Ball> _sender = null!;

    /// <summary>Receivers of the fan-out.</summary>
    [ParamsSource(nameof(ReceiverCounts))]
    public int Receivers { get; set; }

    public static IEnumerable<int> ReceiverCounts => [10, 100, 1000];

    [GlobalSetup]
    public void Setup()
    {
        Runtime = ActorSystem.Create("bench-fanout");
        _receivers = new Receiver[Receivers];
        var refs = new ActorRef<Ball>[Receivers];
        for (var i = 0; i < Receivers; i++)
        {
            var receiver = new Receiver(Messages / Receivers, Done);
            _receivers[i] = receiver;
            refs[i] = Runtime.Spawn(() => receiver);
        }

        _sender = Runtime.Spawn(() => new Sender(refs, Messages / Receivers));
    }

    /// <summary>1,000,000 messages from one sender to <see cref="Receivers"/> receivers.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public Task FanOut()
    {
        var task = Done.Reset(Receivers);
        foreach (var receiver in _receivers)
        {
            receiver.Reset();
        }

        _sender.Tell(Ball.Start);
        return task;
    }

    private sealed class Sender(ActorRef<Ball>[] receivers, int rounds) : Actor<Ball>
    {
        protected internal override ValueTask ReceiveAsync(Ball message)
        {
            for (var round = 0; round < rounds; round++)
            {
                foreach (var receiver in receivers)
                {
                    receiver.Tell(Ball.Instance);
                }
            }

            return default;
        }
    }

    private sealed class Receiver(int share, Completion done) : Actor<Ball>
    {
        private int _count;

        public void Reset() => _count = 0;

        protected internal override ValueTask ReceiveAsync(Ball message)
        {
            if (++_count == share)
            {
                done.One();
            }

            return default;
        }
    }
}
