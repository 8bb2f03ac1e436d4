using Microsoft.Extensions.Logging;

namespace SessionCluster.Actors;

/// <summary>
/// An actor's view of the runtime: itself, its parent and children, death watch, stash, timers, PipeTo.
/// Use it only on the actor's own turn (handlers and lifecycle hooks), never from another thread.
/// </summary>
public sealed class ActorContext<TMessage> where TMessage : class
{
    private readonly ActorCell<TMessage> _cell;

    internal ActorContext(ActorCell<TMessage> cell) => _cell = cell;

    /// <summary>This actor's reference.</summary>
    public ActorRef<TMessage> Self => _cell.Self;

    /// <summary>The parent. For a top-level actor this is the user guardian (<c>sc://system/user</c>), never null for
    /// user actors; it is null only for the guardian itself.</summary>
    public IActorRef? Parent => _cell.Parent?.SelfRef;

    /// <summary>The system this actor belongs to.</summary>
    public ActorSystem System => _cell.System;

    /// <summary>Logger with the actor type as category and the actor path in a scope (<c>ActorPath</c>).</summary>
    public ILogger Log => _cell.ActorLogger(_cell.ActorType ?? typeof(Actor<TMessage>));

    /// <summary>The live children (including those stopping), as a snapshot.</summary>
    public IReadOnlyCollection<IActorRef> Children
    {
        get
        {
            var cells = _cell.ChildrenSnapshot();
            var refs = new IActorRef[cells.Count];
            for (int i = 0; i < refs.Length; i++) refs[i] = cells[i].SelfRef;
            return refs;
        }
    }

    /// <summary>Creates a child. A <paramref name="name"/> must be unique among live children (else
    /// <see cref="InvalidActorNameException"/>), non-empty, without '/' and not start with '$'; null generates one.</summary>
    public ActorRef<TChild> Spawn<TChild>(Func<Actor<TChild>> factory, string? name = null, MailboxOptions? mailbox = null) where TChild : class =>
        _cell.SpawnChild(factory, name, mailbox).Self;

    /// <summary>Stops a child, or this actor when <paramref name="actor"/> is <see cref="Self"/> (after the current
    /// message; a handler that throws afterwards does not involve the supervisor). Other actors: use
    /// <see cref="ActorSystem.StopAsync"/>; passing one here throws <see cref="ArgumentException"/>.</summary>
    public void Stop(IActorRef actor)
    {
        var cell = ActorRefCells.RequireCell(actor, "Stop");
        if (ReferenceEquals(cell, _cell))
        {
            _cell.RequestStopSelf();
            return;
        }
        if (!ReferenceEquals(cell.Parent, _cell))
            throw new ArgumentException($"{actor.Path} is not a child of {Self.Path}; use ActorSystem.StopAsync.", nameof(actor));
        cell.Stop();
    }

    /// <summary>When <paramref name="other"/> terminates, <see cref="Actor{TMessage}.OnTerminatedAsync"/> runs once
    /// (at once if it already has). Watching twice still notifies once.</summary>
    public void Watch(IActorRef other) => _cell.Watch(ActorRefCells.RequireCell(other, "Watch"), customMessage: null);

    /// <summary>Like <see cref="Watch"/>, but <paramref name="message"/> is delivered instead of <see cref="Terminated"/>.</summary>
    public void WatchWith(IActorRef other, TMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _cell.Watch(ActorRefCells.RequireCell(other, "WatchWith"), message);
    }

    /// <summary>Stops watching; a notification not yet handled is discarded.</summary>
    public void Unwatch(IActorRef other)
    {
        if (ActorRefCells.CellOf(other) is { } cell) _cell.Unwatch(cell);
    }

    /// <summary>Keeps the message being handled for <see cref="UnstashAll"/>. The stash is unbounded, survives
    /// restarts (unstashed to the front after one) and is dead-lettered when the actor stops.</summary>
    public void Stash() => _cell.Stash();

    /// <summary>Puts the stashed messages back at the front of the mailbox, in the order they were stashed.</summary>
    public void UnstashAll() => _cell.UnstashAll();

    /// <summary>Timers that send messages to this actor; all cancelled on stop and restart.</summary>
    public TimerScheduler<TMessage> Timers => _cell.Timers;

    /// <summary>Sends the outcome of <paramref name="task"/> to <see cref="Self"/> as a message. Cancellation arrives
    /// through <paramref name="onFailure"/> (as <see cref="OperationCanceledException"/>). If a mapping throws, the
    /// failure is logged and nothing is sent.</summary>
    public void PipeTo<TResult>(Task<TResult> task, Func<TResult, TMessage> onSuccess, Func<Exception, TMessage> onFailure)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(onSuccess);
        ArgumentNullException.ThrowIfNull(onFailure);
        _ = PipeAsync(task, onSuccess, onFailure);
    }

    private async Task PipeAsync<TResult>(Task<TResult> task, Func<TResult, TMessage> onSuccess, Func<Exception, TMessage> onFailure)
    {
        var self = _cell.Self;
        try
        {
            TMessage message;
            try
            {
                var result = await task.ConfigureAwait(false);
                message = onSuccess(result);
            }
            catch (Exception failure) when (!task.IsCompletedSuccessfully)
            {
                message = onFailure(task.Exception?.InnerExceptions.Count == 1 ? task.Exception.InnerException! : failure);
            }
            self.Tell(message);
        }
        catch (Exception mappingFailure)
        {
            RuntimeLog.PipeToMappingFailed(_cell.System.RuntimeLogger, mappingFailure, self.Path.ToString());
        }
    }
}
