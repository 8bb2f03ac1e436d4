using SessionCluster.Actors.TestKit;

namespace SessionCluster.Actors.Tests;

public sealed class SupervisionTests : ActorTestKit
{
    private static readonly SupervisorStrategy ImmediateRestart = SupervisorStrategy.Default with { MinBackoff = TimeSpan.Zero };

    /// <summary>Counts "inc"; "get" reports (incarnation, count); "fail" throws; "stop-and-fail" stops itself, then throws.</summary>
    private sealed class Counter(int incarnation, ActorRef<object> probe) : Actor<string>
    {
        private int _count;

        protected internal override ValueTask ReceiveAsync(string message)
        {
            switch (message)
            {
                case "inc":
                    _count++;
                    break;
                case "get":
                    probe.Tell((incarnation, _count));
                    break;
                case "fail":
                    throw new TestFailureException($"fail in incarnation {incarnation}");
                case "stop-and-fail":
                    Context.Stop(Context.Self);
                    throw new TestFailureException("failing after stopping myself");
            }
            return default;
        }

        protected internal override ValueTask PostRestartAsync(Exception reason)
        {
            probe.Tell("restarted");
            return default;
        }
    }

    private Func<Actor<string>> CounterFactory(ActorRef<object> probe, Func<int>? onCreate = null)
    {
        int incarnations = 0;
        return () =>
        {
            onCreate?.Invoke();
            return new Counter(Interlocked.Increment(ref incarnations), probe);
        };
    }

    [Fact]
    public async Task Resume_keeps_the_instance_and_its_state()
    {
        var probe = CreateProbe<object>();
        var strategy = SupervisorStrategy.Default with { Decider = _ => SupervisorDirective.Resume };
        var (_, child) = await TestHelpers.SpawnSupervised(System, strategy, CounterFactory(probe.Ref));

        child.Tell("inc");
        child.Tell("fail");
        child.Tell("inc");
        child.Tell("get");

        probe.ExpectMsg((object)(1, 2));
    }

    [Fact]
    public async Task Restart_resets_state_keeps_the_mailbox_and_drops_the_failing_message()
    {
        var probe = CreateProbe<object>();
        var strategy = SupervisorStrategy.Default with { MinBackoff = TimeSpan.FromMilliseconds(200), RandomFactor = 0 };
        var (_, child) = await TestHelpers.SpawnSupervised(System, strategy, CounterFactory(probe.Ref));

        child.Tell("inc");
        child.Tell("fail");
        child.Tell("inc"); // sent while the child is failing or backing off: processed by the new instance
        child.Tell("inc");
        child.Tell("get");

        probe.ExpectMsg((object)"restarted");
        probe.ExpectMsg((object)(2, 2)); // second incarnation; "fail" was not redelivered
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Restart_backoff_doubles_with_each_restart_in_the_window()
    {
        var clock = new ManualTimeProvider();
        await using var system = ActorSystem.Create("backoff", new ActorSystemOptions { TimeProvider = clock });
        var probe = new TestProbe<object>(system);
        var strategy = SupervisorStrategy.Default with { MinBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(30), RandomFactor = 0 };
        var (_, child) = await TestHelpers.SpawnSupervised(system, strategy, CounterFactory(probe.Ref));

        foreach (var expected in new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4) })
        {
            child.Tell("fail");
            await clock.WaitForActiveTimersAsync(1, TestHelpers.Generous);
            clock.Advance(expected - TimeSpan.FromMilliseconds(1));
            probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
            clock.Advance(TimeSpan.FromMilliseconds(1));
            probe.ExpectMsg((object)"restarted");
        }
    }

    [Fact]
    public void ComputeBackoff_is_exponential_capped_and_jittered_within_the_random_factor()
    {
        var exact = SupervisorStrategy.Default with { RandomFactor = 0 };
        Assert.Equal(TimeSpan.FromMilliseconds(100), exact.ComputeBackoff(0));
        Assert.Equal(TimeSpan.FromMilliseconds(800), exact.ComputeBackoff(3));
        Assert.Equal(TimeSpan.FromSeconds(10), exact.ComputeBackoff(20));
        for (int i = 0; i < 100; i++)
        {
            var jittered = SupervisorStrategy.Default.ComputeBackoff(2);
            Assert.InRange(jittered.TotalMilliseconds, 400 * 0.8 - 1, 400 * 1.2 + 1);
        }
    }

    [Fact]
    public async Task More_restarts_than_allowed_within_the_window_stop_the_child()
    {
        var probe = CreateProbe<object>();
        int created = 0;
        var strategy = ImmediateRestart with { MaxRestarts = 2 };
        var (_, child) = await TestHelpers.SpawnSupervised(System, strategy, CounterFactory(probe.Ref, () => Interlocked.Increment(ref created)));
        probe.Watch(child);

        child.Tell("fail");
        probe.ExpectMsg((object)"restarted");
        child.Tell("fail");
        probe.ExpectMsg((object)"restarted");
        child.Tell("fail");

        probe.ExpectTerminated(child);
        Assert.Equal(3, Volatile.Read(ref created));
    }

    [Fact]
    public async Task Stop_directive_stops_the_failing_child()
    {
        var probe = CreateProbe<object>();
        var (_, child) = await TestHelpers.SpawnSupervised(System, SupervisorStrategy.StoppingStrategy, CounterFactory(probe.Ref));
        probe.Watch(child);

        child.Tell("fail");

        probe.ExpectTerminated(child);
    }

    [Fact]
    public async Task Escalate_lets_the_grandparent_decide_with_the_same_exception()
    {
        var decisions = CreateProbe<Exception>();
        var grandparentStrategy = SupervisorStrategy.Default with { Decider = TestHelpers.Reporting(decisions, SupervisorDirective.Stop) };
        var escalating = SupervisorStrategy.Default with { Decider = _ => SupervisorDirective.Escalate };
        var probe = CreateProbe<object>();
        var grandchild = new TaskCompletionSource<ActorRef<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (_, parent) = await TestHelpers.SpawnSupervised<object>(System, grandparentStrategy,
            () => new SupervisorActor<string>(escalating, CounterFactory(probe.Ref), grandchild));
        var child = await grandchild.Task.WaitAsync(TestHelpers.Generous);
        probe.Watch(parent);

        child.Tell("fail");

        var seen = decisions.ExpectMsg<TestFailureException>();
        Assert.Equal("fail in incarnation 1", seen.Message);
        probe.ExpectTerminated(parent);
    }

    [Fact]
    public async Task Throwing_after_stopping_itself_stops_without_asking_the_supervisor()
    {
        var decisions = CreateProbe<Exception>();
        var probe = CreateProbe<object>();
        var strategy = SupervisorStrategy.Default with { Decider = TestHelpers.Reporting(decisions, SupervisorDirective.Restart) };
        var (_, child) = await TestHelpers.SpawnSupervised(System, strategy, CounterFactory(probe.Ref));
        probe.Watch(child);

        child.Tell("stop-and-fail");

        probe.ExpectTerminated(child);
        decisions.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_factory_that_throws_is_stopped_by_the_default_strategy()
    {
        var probe = CreateProbe<object>();
        var actor = System.Spawn<string>(() => throw new TestFailureException("cannot build"));
        probe.Watch(actor);

        probe.ExpectTerminated(actor);
    }

    [Fact]
    public async Task An_async_handler_failure_is_supervised_like_a_synchronous_one()
    {
        var decisions = CreateProbe<Exception>();
        var strategy = SupervisorStrategy.Default with { Decider = TestHelpers.Reporting(decisions, SupervisorDirective.Resume) };
        var (_, child) = await TestHelpers.SpawnSupervised(System, strategy, () => new LambdaActor<string>(async (_, message) =>
        {
            await Task.Yield();
            throw new TestFailureException(message);
        }));

        child.Tell("async boom");

        Assert.Equal("async boom", decisions.ExpectMsg<TestFailureException>().Message);
    }
}
