namespace SessionCluster.Actors;

/// <summary>
/// An actor handling messages of type <typeparamref name="TMessage"/> one at a time. Override <see cref="ReceiveAsync"/>;
/// return a completed <see cref="ValueTask"/> (e.g. <c>default</c>) when the work is synchronous, which costs nothing.
/// An exception from a handler is decided by the parent's <see cref="SupervisorStrategy"/>.
/// </summary>
public abstract class Actor<TMessage> where TMessage : class
{
    private ActorContext<TMessage>? _context;

    /// <summary>The actor's view of the runtime. Valid from <see cref="PreStartAsync"/> on (not in the constructor);
    /// use it only on the actor's own turn (not from a continuation that escaped it, e.g. a Task.Run).</summary>
    protected ActorContext<TMessage> Context =>
        _context ?? throw new InvalidOperationException("Context is available from PreStartAsync on, not in the actor's constructor.");

    internal void Attach(ActorContext<TMessage> context) => _context = context;

    /// <summary>Handles one message. The next message waits until the returned task completes.</summary>
    protected internal abstract ValueTask ReceiveAsync(TMessage message);

    /// <summary>Before the first message; messages wait in the mailbox meanwhile. Default: nothing.</summary>
    protected internal virtual ValueTask PreStartAsync() => default;

    /// <summary>After all children have stopped; the last call on this instance. Default: nothing.</summary>
    protected internal virtual ValueTask PostStopAsync() => default;

    /// <summary>On the failed instance before it is replaced; children are then stopped by the runtime. Default: nothing.</summary>
    protected internal virtual ValueTask PreRestartAsync(Exception reason) => default;

    /// <summary>On the new instance instead of <see cref="PreStartAsync"/>. Default: calls <see cref="PreStartAsync"/>.</summary>
    protected internal virtual ValueTask PostRestartAsync(Exception reason) => PreStartAsync();

    /// <summary>A watched actor (<see cref="ActorContext{TMessage}.Watch"/>) terminated. Default: throws
    /// <see cref="DeathPactException"/>, which fails this actor (the default strategy then stops it).</summary>
    protected internal virtual ValueTask OnTerminatedAsync(Terminated terminated) => throw new DeathPactException(terminated.Actor);

    /// <summary>How this actor treats its children's failures. Default: <see cref="SupervisorStrategy.Default"/>.</summary>
    protected internal virtual SupervisorStrategy SupervisorStrategy => SupervisorStrategy.Default;
}
