using Akka.Actor;
using Akka.Persistence;
using Google.Protobuf.WellKnownTypes;

namespace SessionCluster.Persistence.CrashWriter;

/// <summary>
/// Counts 1, 2, 3… as events whose value is their own sequence number, so any lost, repeated or reordered event
/// makes recovery throw (and the actor stop) instead of producing a count.
/// </summary>
public sealed class CounterActor : ReceivePersistentActor
{
    private long _count;

    public CounterActor(string persistenceId, Action<string, long>? confirmed = null)
    {
        PersistenceId = persistenceId;
        Recover<Int64Value>(Apply);
        Command<PersistNext>(_ => Persist(Next(), e =>
        {
            Apply(e);
            confirmed?.Invoke(PersistenceId, _count);
            Self.Tell(PersistNext.Instance);
        }));
        Command<PersistOnce>(_ => Persist(Next(), e =>
        {
            Apply(e);
            Sender.Tell(new CounterState(_count));
        }));
        Command<GetCount>(_ => Sender.Tell(new CounterState(_count)));
    }

    public override string PersistenceId { get; }

    public static Props Props(string persistenceId, Action<string, long>? confirmed = null) =>
        Akka.Actor.Props.Create(() => new CounterActor(persistenceId, confirmed));

    private Int64Value Next() => new() { Value = _count + 1 };

    private void Apply(Int64Value @event) =>
        _count = @event.Value == _count + 1
            ? @event.Value
            : throw new InvalidOperationException($"'{PersistenceId}' expected {_count + 1} but the event holds {@event.Value}.");

    /// <summary>Persist the next number, then send this again to itself (the crash writer's loop).</summary>
    public sealed record PersistNext
    {
        public static readonly PersistNext Instance = new();
    }

    /// <summary>Persist the next number once and reply with the new <see cref="CounterState"/>.</summary>
    public sealed record PersistOnce;

    /// <summary>Reply with the current <see cref="CounterState"/>.</summary>
    public sealed record GetCount;

    public sealed record CounterState(long Count);
}
