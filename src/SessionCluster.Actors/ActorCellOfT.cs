using System.Runtime.CompilerServices;

namespace SessionCluster.Actors;

/// <summary>The typed half of a cell: the actor instance, its factory, its context and its timers.</summary>
internal sealed class ActorCell<TMessage> : ActorCell where TMessage : class
{
    private readonly Func<Actor<TMessage>> _factory;
    private Actor<TMessage>? _actor;

    public ActorCell(ActorSystem system, ActorCell? parent, string? name, Func<Actor<TMessage>> factory, MailboxOptions? mailbox)
        : base(system, parent, name, mailbox)
    {
        _factory = factory;
        Self = new LocalActorRef<TMessage>(this);
        Context = new ActorContext<TMessage>(this);
    }

    public LocalActorRef<TMessage> Self { get; }

    public ActorContext<TMessage> Context { get; }

    public override IActorRef SelfRef => Self;

    /// <summary>The scheduler if <c>Context.Timers</c> was ever used.</summary>
    private TimerScheduler<TMessage>? ExistingTimers => TimersSlot as TimerScheduler<TMessage>;

    public TimerScheduler<TMessage> Timers
    {
        get
        {
            if (ExistingTimers is { } timers) return timers;
            timers = new TimerScheduler<TMessage>(this);
            TimersSlot = timers;
            return timers;
        }
    }

    public Type? ActorType => _actor?.GetType();

    protected override bool HasInstance => _actor is not null;

    protected override void CreateInstance()
    {
        var actor = _factory() ?? throw new InvalidOperationException($"The factory of {Path} returned null.");
        actor.Attach(Context);
        _actor = actor;
    }

    protected override void ReleaseInstance() => _actor = null;

    protected override ValueTask InvokeReceive(object message)
    {
        var actor = _actor!;
        // One exact type comparison separates user messages from runtime envelopes.
        if (message.GetType() != typeof(InternalEnvelope)) return actor.ReceiveAsync(Unsafe.As<TMessage>(message));

        var envelope = Unsafe.As<InternalEnvelope>(message);
        switch (envelope.Kind)
        {
            case EnvelopeKind.Terminated:
                return actor.OnTerminatedAsync((Terminated)envelope.Payload);
            case EnvelopeKind.WatchMessage:
                CurrentMessage = envelope.Payload;
                return actor.ReceiveAsync((TMessage)envelope.Payload);
            default:
                if (ExistingTimers is not { } timers || !timers.TryTakeFired(envelope.Payload, out var timerMessage))
                    return default; // cancelled or replaced after it fired: never delivered
                CurrentMessage = timerMessage;
                return actor.ReceiveAsync(timerMessage);
        }
    }

    protected override ValueTask InvokePreStart() => _actor!.PreStartAsync();

    protected override ValueTask InvokePostStop() => _actor!.PostStopAsync();

    protected override ValueTask InvokePreRestart(Exception reason) => _actor!.PreRestartAsync(reason);

    protected override ValueTask InvokePostRestart(Exception reason) => _actor!.PostRestartAsync(reason);

    protected override void CancelTimers() => ExistingTimers?.CancelAll();

    protected override SupervisorStrategy CurrentSupervisorStrategy => _actor?.SupervisorStrategy ?? SupervisorStrategy.Default;
}
