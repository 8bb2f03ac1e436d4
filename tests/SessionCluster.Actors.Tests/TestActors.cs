using SessionCluster.Actors.TestKit;

namespace SessionCluster.Actors.Tests;

/// <summary>Small actors shared by the tests. Overrides are <c>protected internal</c> because this assembly sees the runtime's internals.</summary>
internal sealed class ForwardActor<T>(ActorRef<T> target) : Actor<T> where T : class
{
    protected internal override ValueTask ReceiveAsync(T message)
    {
        target.Tell(message);
        return default;
    }
}

/// <summary>Runs a callback for every message; lifecycle hooks report to an optional probe.</summary>
internal sealed class LambdaActor<T>(Func<ActorContext<T>, T, ValueTask> onMessage, ActorRef<string>? lifecycle = null, string tag = "")
    : Actor<T> where T : class
{
    protected internal override ValueTask ReceiveAsync(T message) => onMessage(Context, message);

    protected internal override ValueTask PreStartAsync()
    {
        lifecycle?.Tell($"{tag}:started");
        return default;
    }

    protected internal override ValueTask PostStopAsync()
    {
        lifecycle?.Tell($"{tag}:stopped");
        return default;
    }

    protected internal override ValueTask PostRestartAsync(Exception reason)
    {
        lifecycle?.Tell($"{tag}:restarted");
        return default;
    }
}

/// <summary>A parent that supervises one child with a given strategy and hands out the child's reference.</summary>
internal sealed class SupervisorActor<TChild>(SupervisorStrategy strategy, Func<Actor<TChild>> childFactory, TaskCompletionSource<ActorRef<TChild>> child)
    : Actor<object> where TChild : class
{
    protected internal override ValueTask PreStartAsync()
    {
        child.TrySetResult(Context.Spawn(childFactory, "child"));
        return default;
    }

    protected internal override ValueTask ReceiveAsync(object message) => default;

    protected internal override SupervisorStrategy SupervisorStrategy => strategy;
}

/// <summary>Test helpers.</summary>
internal static class TestHelpers
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    /// <summary>Spawns a <see cref="SupervisorActor{TChild}"/> and returns it with its child.</summary>
    public static async Task<(ActorRef<object> Parent, ActorRef<TChild> Child)> SpawnSupervised<TChild>(
        ActorSystem system, SupervisorStrategy strategy, Func<Actor<TChild>> childFactory) where TChild : class
    {
        var child = new TaskCompletionSource<ActorRef<TChild>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var parent = system.Spawn(() => new SupervisorActor<TChild>(strategy, childFactory, child));
        return (parent, await child.Task.WaitAsync(Generous));
    }

    /// <summary>A decider that reports every exception to <paramref name="probe"/> and answers <paramref name="directive"/>.</summary>
    public static Func<Exception, SupervisorDirective> Reporting(TestProbe<Exception> probe, SupervisorDirective directive) =>
        exception =>
        {
            probe.Ref.Tell(exception);
            return directive;
        };

    public static async Task WaitUntil(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Generous);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not become true in time.");
            await Task.Delay(10);
        }
    }
}

/// <summary>Thrown on purpose by test actors.</summary>
internal sealed class TestFailureException(string message) : Exception(message);
