using SessionCluster.Actors.TestKit;

namespace SessionCluster.Actors.Tests;

public sealed class StashTests : ActorTestKit
{
    public StashTests()
        : base(new ActorSystemOptions { GuardianStrategy = SupervisorStrategy.Default with { MinBackoff = TimeSpan.Zero } }) { }

    private sealed record Work(int N);

    /// <summary>Stashes Work until "open"; the incarnation number decides whether a new instance starts open.</summary>
    private sealed class Gatekeeper(ActorRef<object> probe, Task gate, bool startOpen) : Actor<object>
    {
        private bool _open = startOpen;

        protected internal override async ValueTask ReceiveAsync(object message)
        {
            switch (message)
            {
                case "block":
                    probe.Tell("blocked");
                    await gate;
                    break;
                case "open":
                    _open = true;
                    Context.UnstashAll();
                    break;
                case "fail":
                    throw new TestFailureException("restart with a stash");
                case Work work when !_open:
                    Context.Stash();
                    break;
                case Work work:
                    probe.Tell(work);
                    break;
            }
        }
    }

    [Fact]
    public void UnstashAll_puts_stashed_messages_before_those_already_in_the_mailbox_in_stash_order()
    {
        var probe = CreateProbe<object>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = System.Spawn<object>(() => new Gatekeeper(probe.Ref, gate.Task, startOpen: false));

        actor.Tell("block");
        probe.ExpectMsg((object)"blocked");
        actor.Tell(new Work(1));
        actor.Tell(new Work(2));
        actor.Tell("open");
        actor.Tell(new Work(3)); // already in the mailbox when "open" unstashes
        gate.SetResult();

        probe.ExpectMsg((object)new Work(1));
        probe.ExpectMsg((object)new Work(2));
        probe.ExpectMsg((object)new Work(3));
    }

    [Fact]
    public void The_stash_survives_a_restart_and_is_unstashed_to_the_new_instance()
    {
        var probe = CreateProbe<object>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int incarnations = 0;
        var actor = System.Spawn<object>(() => new Gatekeeper(probe.Ref, gate.Task, startOpen: Interlocked.Increment(ref incarnations) > 1));

        actor.Tell(new Work(1));
        actor.Tell(new Work(2));
        actor.Tell("fail");

        probe.ExpectMsg((object)new Work(1));
        probe.ExpectMsg((object)new Work(2));
        Assert.Equal(2, Volatile.Read(ref incarnations));
    }
}
