namespace SessionCluster.Actors;

/// <summary>The reference to an actor of this process: a thin typed door onto its cell.</summary>
internal sealed class LocalActorRef<TMessage>(ActorCell<TMessage> cell) : ActorRef<TMessage>, ICellRef where TMessage : class
{
    public ActorCell<TMessage> Cell { get; } = cell;

    public override ActorPath Path => Cell.Path;

    ActorCell ICellRef.UntypedCell => Cell;

    /// <remarks>Throws <see cref="ArgumentNullException"/> for a null message (a programming error, not a delivery failure).</remarks>
    public override void Tell(TMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Cell.Post(message);
    }

    public override bool TryTell(TMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Cell.Post(message);
    }

    public override ValueTask TellAsync(TMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Cell.PostAsync(message, cancellationToken);
    }
}

/// <summary>Finds the cell behind a reference.</summary>
internal static class ActorRefCells
{
    public static ActorCell? CellOf(IActorRef actor) => actor switch
    {
        ICellRef local => local.UntypedCell,
        _ => null,
    };

    public static ActorCell RequireCell(IActorRef actor, string operation) =>
        CellOf(actor) ?? throw new ArgumentException($"{operation} needs an actor of an ActorSystem; {actor.Path} is not one.", nameof(actor));
}

/// <summary>Implemented by refs backed by a cell.</summary>
internal interface ICellRef
{
    ActorCell UntypedCell { get; }
}
