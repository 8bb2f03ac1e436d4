using SessionCluster.Actors.TestKit;

namespace SessionCluster.Actors.Tests;

/// <summary>Timers on a <see cref="ManualTimeProvider"/>: time moves only when the test says so.</summary>
public sealed class TimerTests : ActorTestKit
{
    private readonly ManualTimeProvider _clock;

    public TimerTests() : this(new ManualTimeProvider()) { }

    private TimerTests(ManualTimeProvider clock)
        : base(new ActorSystemOptions { TimeProvider = clock, GuardianStrategy = SupervisorStrategy.Default with { MinBackoff = TimeSpan.Zero } }) =>
        _clock = clock;

    private sealed record Tick(string Name);

    private sealed class TimerActor(ActorRef<object> probe, Task? gate = null) : Actor<object>
    {
        protected internal override async ValueTask ReceiveAsync(object message)
        {
            switch (message)
            {
                case ("single", string name, TimeSpan delay):
                    Context.Timers.StartSingle("key", new Tick(name), delay);
                    probe.Tell("armed");
                    break;
                case ("periodic", string name, TimeSpan interval):
                    Context.Timers.StartPeriodic("key", new Tick(name), interval);
                    probe.Tell("armed");
                    break;
                case "cancel":
                    Context.Timers.Cancel("key");
                    probe.Tell(Context.Timers.IsActive("key") ? "still active" : "cancelled");
                    break;
                case "block-then-cancel":
                    probe.Tell("blocked");
                    await gate!;
                    Context.Timers.Cancel("key");
                    break;
                case "fail":
                    throw new TestFailureException("restart me");
                case Tick tick:
                    probe.Tell(tick);
                    break;
            }
        }

        protected internal override ValueTask PostRestartAsync(Exception reason)
        {
            probe.Tell("restarted");
            return default;
        }
    }

    private (TestProbe<object> Probe, ActorRef<object> Actor) Start(Task? gate = null)
    {
        var probe = CreateProbe<object>();
        var actor = System.Spawn<object>(() => new TimerActor(probe.Ref, gate));
        return (probe, actor);
    }

    [Fact]
    public void A_single_timer_fires_once()
    {
        var (probe, actor) = Start();
        actor.Tell(("single", "once", TimeSpan.FromSeconds(1)));
        probe.ExpectMsg((object)"armed");

        _clock.Advance(TimeSpan.FromMilliseconds(999));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        probe.ExpectMsg((object)new Tick("once"));
        _clock.Advance(TimeSpan.FromSeconds(10));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_periodic_timer_fires_repeatedly()
    {
        var (probe, actor) = Start();
        actor.Tell(("periodic", "beat", TimeSpan.FromSeconds(1)));
        probe.ExpectMsg((object)"armed");

        for (int i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            probe.ExpectMsg((object)new Tick("beat"));
        }
    }

    [Fact]
    public void Cancel_stops_a_timer()
    {
        var (probe, actor) = Start();
        actor.Tell(("periodic", "beat", TimeSpan.FromSeconds(1)));
        probe.ExpectMsg((object)"armed");
        actor.Tell("cancel");
        probe.ExpectMsg((object)"cancelled");

        _clock.Advance(TimeSpan.FromSeconds(5));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, _clock.ActiveTimerCount);
    }

    [Fact]
    public void Starting_a_key_again_replaces_its_timer()
    {
        var (probe, actor) = Start();
        actor.Tell(("single", "first", TimeSpan.FromSeconds(1)));
        actor.Tell(("single", "second", TimeSpan.FromSeconds(3)));
        probe.ExpectMsg((object)"armed");
        probe.ExpectMsg((object)"armed");

        _clock.Advance(TimeSpan.FromSeconds(2));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        _clock.Advance(TimeSpan.FromSeconds(1));
        probe.ExpectMsg((object)new Tick("second"));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_timer_cancelled_after_it_fired_never_delivers_its_message()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (probe, actor) = Start(gate.Task);
        actor.Tell(("single", "stale", TimeSpan.FromSeconds(1)));
        probe.ExpectMsg((object)"armed");
        actor.Tell("block-then-cancel");
        probe.ExpectMsg((object)"blocked");

        _clock.Advance(TimeSpan.FromSeconds(1)); // fires: the tick waits in the mailbox behind the blocked handler
        gate.SetResult();                        // the handler now cancels the timer

        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task Timers_are_cancelled_when_the_actor_stops()
    {
        var (probe, actor) = Start();
        actor.Tell(("periodic", "beat", TimeSpan.FromSeconds(1)));
        probe.ExpectMsg((object)"armed");

        await System.StopAsync(actor);

        Assert.Equal(0, _clock.ActiveTimerCount);
    }

    [Fact]
    public void Timers_are_cancelled_when_the_actor_restarts()
    {
        var (probe, actor) = Start();
        actor.Tell(("periodic", "beat", TimeSpan.FromSeconds(1)));
        probe.ExpectMsg((object)"armed");

        actor.Tell("fail");
        probe.ExpectMsg((object)"restarted");
        _clock.Advance(TimeSpan.FromSeconds(3));

        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, _clock.ActiveTimerCount);
    }
}
