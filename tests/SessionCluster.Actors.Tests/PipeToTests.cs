using SessionCluster.Actors.TestKit;

namespace SessionCluster.Actors.Tests;

public sealed class PipeToTests : ActorTestKit
{
    private abstract record Msg;
    private sealed record Run(Task<int> Work) : Msg;
    private sealed record Succeeded(int Value) : Msg;
    private sealed record Failed(string Error) : Msg;

    private ActorRef<Msg> SpawnPiper(TestProbe<Msg> probe) =>
        System.Spawn(() => new LambdaActor<Msg>((context, message) =>
        {
            if (message is Run run) context.PipeTo(run.Work, value => new Succeeded(value), error => new Failed(error.Message));
            else probe.Ref.Tell(message);
            return default;
        }));

    [Fact]
    public void PipeTo_sends_the_result_to_self_as_a_message()
    {
        var probe = CreateProbe<Msg>();
        var piper = SpawnPiper(probe);
        var work = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        piper.Tell(new Run(work.Task));
        work.SetResult(42);

        probe.ExpectMsg(new Succeeded(42));
    }

    [Fact]
    public void PipeTo_sends_a_failure_through_the_failure_mapping()
    {
        var probe = CreateProbe<Msg>();
        var piper = SpawnPiper(probe);
        var work = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        piper.Tell(new Run(work.Task));
        work.SetException(new InvalidOperationException("disk on fire"));

        probe.ExpectMsg(new Failed("disk on fire"));
    }
}
