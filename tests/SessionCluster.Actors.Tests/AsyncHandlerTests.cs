using SessionCluster.Actors.TestKit;

namespace SessionCluster.Actors.Tests;

public sealed class AsyncHandlerTests : ActorTestKit
{
    [Fact]
    public void A_second_message_waits_until_the_first_handlers_await_completes()
    {
        var probe = CreateProbe<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = System.Spawn(() => new LambdaActor<string>(async (_, message) =>
        {
            probe.Ref.Tell($"{message} start");
            if (message == "first") await gate.Task;
            probe.Ref.Tell($"{message} end");
        }));

        actor.Tell("first");
        actor.Tell("second");
        probe.ExpectMsg("first start");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        gate.SetResult();

        probe.ExpectMsg("first end");
        probe.ExpectMsg("second start");
        probe.ExpectMsg("second end");
    }

    [Fact]
    public void PreStartAsync_runs_before_the_first_message_even_when_it_awaits()
    {
        var probe = CreateProbe<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = System.Spawn(() => new SlowStarter(probe.Ref, gate.Task));

        actor.Tell("hello");
        probe.ExpectMsg("prestart begun");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        gate.SetResult();

        probe.ExpectMsg("prestart done");
        probe.ExpectMsg("hello");
    }

    private sealed class SlowStarter(ActorRef<string> probe, Task gate) : Actor<string>
    {
        protected internal override async ValueTask PreStartAsync()
        {
            probe.Tell("prestart begun");
            await gate;
            probe.Tell("prestart done");
        }

        protected internal override ValueTask ReceiveAsync(string message)
        {
            probe.Tell(message);
            return default;
        }
    }
}
