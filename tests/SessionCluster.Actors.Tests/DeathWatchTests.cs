using SessionCluster.Actors.TestKit;

namespace SessionCluster.Actors.Tests;

public sealed class DeathWatchTests : ActorTestKit
{
    private sealed record WatchIt(IActorRef Target);
    private sealed record WatchWithIt(IActorRef Target, string Message);
    private sealed record UnwatchIt(IActorRef Target);

    private sealed class Watcher(ActorRef<object> probe, Task? gate = null) : Actor<object>
    {
        protected internal override async ValueTask ReceiveAsync(object message)
        {
            switch (message)
            {
                case "block":
                    probe.Tell("blocked");
                    await gate!;
                    break;
                case WatchIt watch:
                    Context.Watch(watch.Target);
                    probe.Tell("watching");
                    break;
                case WatchWithIt watchWith:
                    Context.WatchWith(watchWith.Target, watchWith.Message);
                    probe.Tell("watching");
                    break;
                case UnwatchIt unwatch:
                    Context.Unwatch(unwatch.Target);
                    probe.Tell("unwatched");
                    break;
                default:
                    probe.Tell(message);
                    break;
            }
        }

        protected internal override ValueTask OnTerminatedAsync(Terminated terminated)
        {
            probe.Tell(terminated);
            return default;
        }
    }

    [Fact]
    public async Task Terminated_is_handled_before_user_messages_already_queued()
    {
        var probe = CreateProbe<object>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = System.Spawn<object>(() => new Watcher(probe.Ref, gate.Task));
        var target = SpawnTarget();
        watcher.Tell(new WatchIt(target));
        probe.ExpectMsg((object)"watching");
        watcher.Tell("block");
        probe.ExpectMsg((object)"blocked");
        watcher.Tell("queued 1");
        watcher.Tell("queued 2");

        await System.StopAsync(target); // the notification arrives while the handler awaits
        gate.SetResult();

        probe.ExpectMsg((object)new Terminated(target));
        probe.ExpectMsg((object)"queued 1");
        probe.ExpectMsg((object)"queued 2");
    }

    private ActorRef<string> SpawnTarget() => System.Spawn(() => new LambdaActor<string>((_, _) => default));

    [Fact]
    public async Task A_watcher_gets_Terminated_exactly_once_even_when_it_watched_twice()
    {
        var probe = CreateProbe<object>();
        var watcher = System.Spawn<object>(() => new Watcher(probe.Ref));
        var target = SpawnTarget();
        watcher.Tell(new WatchIt(target));
        watcher.Tell(new WatchIt(target));
        probe.ExpectMsg((object)"watching");
        probe.ExpectMsg((object)"watching");

        await System.StopAsync(target);

        probe.ExpectMsg((object)new Terminated(target));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task WatchWith_delivers_the_custom_message_instead_of_Terminated()
    {
        var probe = CreateProbe<object>();
        var watcher = System.Spawn<object>(() => new Watcher(probe.Ref));
        var target = SpawnTarget();
        watcher.Tell(new WatchWithIt(target, "target is gone"));
        probe.ExpectMsg((object)"watching");

        await System.StopAsync(target);

        probe.ExpectMsg((object)"target is gone");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Watching_an_actor_that_already_terminated_delivers_Terminated_at_once()
    {
        var probe = CreateProbe<object>();
        var watcher = System.Spawn<object>(() => new Watcher(probe.Ref));
        var target = SpawnTarget();
        await System.StopAsync(target);

        watcher.Tell(new WatchIt(target));

        probe.ExpectMsg((object)"watching");
        probe.ExpectMsg((object)new Terminated(target));
    }

    [Fact]
    public async Task After_Unwatch_no_Terminated_arrives()
    {
        var probe = CreateProbe<object>();
        var watcher = System.Spawn<object>(() => new Watcher(probe.Ref));
        var target = SpawnTarget();
        watcher.Tell(new WatchIt(target));
        watcher.Tell(new UnwatchIt(target));
        probe.ExpectMsg((object)"watching");
        probe.ExpectMsg((object)"unwatched");

        await System.StopAsync(target);

        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task An_unhandled_Terminated_fails_the_watcher_with_DeathPactException_decided_by_its_supervisor()
    {
        var decisions = CreateProbe<Exception>();
        var target = SpawnTarget();
        var strategy = SupervisorStrategy.Default with { Decider = TestHelpers.Reporting(decisions, SupervisorDirective.Stop) };
        var (_, child) = await TestHelpers.SpawnSupervised<IActorRef>(System, strategy,
            () => new LambdaActor<IActorRef>((context, other) =>
            {
                context.Watch(other);
                return default;
            }));
        var deaths = CreateProbe<object>();
        deaths.Watch(child);
        child.Tell(target);

        await System.StopAsync(target);

        var failure = decisions.ExpectMsg<DeathPactException>();
        Assert.Equal(target, failure.DeadActor);
        deaths.ExpectTerminated(child);
    }
}
