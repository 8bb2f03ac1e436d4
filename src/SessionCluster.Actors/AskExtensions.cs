namespace SessionCluster.Actors;

/// <summary>Request-reply from outside an actor (or from an actor that wants a Task).</summary>
public static class AskExtensions
{
    /// <summary>
    /// Akka-Typed style ask: <paramref name="createMessage"/> receives a temporary reply reference to put into the
    /// message; the first reply completes the task. Throws <see cref="AskTimeoutException"/> after
    /// <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/> waits forever) and
    /// <see cref="OperationCanceledException"/> on cancellation; a reply after that becomes a dead letter.
    /// The timeout runs on the target system's <see cref="ActorSystem.TimeProvider"/>.
    /// </summary>
    public static Task<TReply> AskAsync<TMessage, TReply>(this ActorRef<TMessage> target,
        Func<ActorRef<TReply>, TMessage> createMessage, TimeSpan timeout, CancellationToken cancellationToken = default)
        where TMessage : class where TReply : class
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(createMessage);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "An ask timeout must be positive or infinite.");
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<TReply>(cancellationToken);

        var system = (ActorRefCells.CellOf(target))?.System;
        var promise = new PromiseActorRef<TReply>(target.Path, timeout, system);
        promise.Start(system?.TimeProvider ?? TimeProvider.System, cancellationToken);
        TMessage message;
        try
        {
            message = createMessage(promise);
        }
        catch (Exception exception)
        {
            promise.Fail(exception); // the caller sees it through the task, and the timer is released
            return promise.Task;
        }
        target.Tell(message);
        return promise.Task;
    }
}
