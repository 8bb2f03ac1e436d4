using Google.Protobuf.WellKnownTypes;
using SessionCluster.Actors;
using SessionCluster.Actors.Persistence;

namespace SessionCluster.Storage.CrashWriter;

public interface ICounterCommand;

/// <summary>Persist the next number, then send this again to itself (the crash writer's loop).</summary>
public sealed record PersistNext : ICounterCommand
{
    public static readonly PersistNext Instance = new();
}

public sealed record GetCount(ActorRef<CounterState> ReplyTo) : ICounterCommand;

/// <summary>Persist the next number once and reply with the new state.</summary>
public sealed record PersistOnce(ActorRef<CounterState> ReplyTo) : ICounterCommand;

public sealed record CounterState(long Count);

/// <summary>
/// Counts 1, 2, 3… as events whose value is their own sequence number, so any lost, repeated or
/// reordered event makes <see cref="Apply"/> throw during recovery.
/// </summary>
public sealed class CounterActor(string persistenceId, PersistenceStores stores, Action<string, long>? confirmed = null)
    : PersistentActor<ICounterCommand, CounterState, Int64Value>(persistenceId, stores)
{
    public static readonly ProtobufCodec<Int64Value> Codec = ProtobufCodec<Int64Value>.Create().Add(Int64Value.Parser).Build();

    protected override CounterState InitialState => new(0);

    protected override IEventCodec<Int64Value> EventCodec => Codec;

    protected override CounterState Apply(CounterState state, Int64Value @event) =>
        @event.Value == state.Count + 1
            ? new CounterState(@event.Value)
            : throw new InvalidOperationException($"'{PersistenceId}' expected {state.Count + 1} but the event holds {@event.Value}.");

    protected override async ValueTask HandleCommandAsync(ICounterCommand command)
    {
        switch (command)
        {
            case PersistNext:
                await PersistAsync(new Int64Value { Value = State.Count + 1 });
                confirmed?.Invoke(PersistenceId, State.Count);
                Context.Self.Tell(PersistNext.Instance);
                break;
            case PersistOnce once:
                await PersistAsync(new Int64Value { Value = State.Count + 1 });
                once.ReplyTo.Tell(State);
                break;
            case GetCount get:
                get.ReplyTo.Tell(State);
                break;
        }
    }
}
