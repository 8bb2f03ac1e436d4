using Google.Protobuf;
using SessionCluster.Actors.Persistence;

namespace SessionCluster.Actors.Tests.Persistence;

public interface IAccountEvent;

public sealed partial class Deposited : IAccountEvent;

public sealed partial class Withdrawn : IAccountEvent;

public sealed partial class Credited : IAccountEvent;

public sealed record AccountState(long Balance, long Operations)
{
    public static readonly AccountState Empty = new(0, 0);
}

public interface IAccountCommand;

public sealed record Deposit(long Amount, ActorRef<Balance> ReplyTo) : IAccountCommand;

public sealed record DepositAll(long[] Amounts, ActorRef<Balance> ReplyTo) : IAccountCommand;

public sealed record Withdraw(long Amount, ActorRef<Balance> ReplyTo) : IAccountCommand;

public sealed record GetBalance(ActorRef<Balance> ReplyTo) : IAccountCommand;

public sealed record Balance(long Amount, long Operations, long SequenceNr);

/// <summary>What the account tells its observer about itself, so tests can see recovery and failures.</summary>
public interface IAccountReport;

public sealed record Recovered(RecoveryResult Result, AccountState State) : IAccountReport;

public sealed record Failed(PersistenceFailureException Failure) : IAccountReport;

/// <summary>
/// A bank account as a persistent actor: deposits and withdrawals are events, a withdrawal beyond the
/// balance is rejected by <see cref="Apply"/> (so it must never be written), and the state is snapshotted
/// every <c>snapshotEvery</c> events when asked to.
/// </summary>
public sealed class AccountActor(string persistenceId, PersistenceStores stores, ActorRef<IAccountReport>? observer = null, int snapshotEvery = 0)
    : PersistentActor<IAccountCommand, AccountState, IAccountEvent>(persistenceId, stores)
{
    public static readonly ProtobufCodec<IAccountEvent> Events = ProtobufCodec<IAccountEvent>.Create()
        .Add(Deposited.Parser)
        .Add(Withdrawn.Parser)
        .Alias("sessioncluster.tests.persistence.CreditedV0", Credited.Parser)
        .Build();

    /// <summary>The state as last confirmed, readable from the test thread (records are immutable).</summary>
    public AccountState? ConfirmedState { get; private set; }

    protected override AccountState InitialState => AccountState.Empty;

    protected override IEventCodec<IAccountEvent> EventCodec => Events;

    protected override IEventCodec<AccountState>? SnapshotCodec => snapshotEvery > 0 ? AccountSnapshotCodec.Instance : null;

    protected override int SnapshotEvery => snapshotEvery;

    protected override AccountState Apply(AccountState state, IAccountEvent @event) => @event switch
    {
        Deposited d => state with { Balance = state.Balance + d.Amount, Operations = state.Operations + 1 },
        Credited c => state with { Balance = state.Balance + c.Amount, Operations = state.Operations + 1 },
        Withdrawn w when w.Amount <= state.Balance => state with { Balance = state.Balance - w.Amount, Operations = state.Operations + 1 },
        Withdrawn w => throw new InvalidOperationException($"Cannot withdraw {w.Amount} from {state.Balance}."),
        _ => throw new ArgumentException($"Unknown event {@event.GetType()}."),
    };

    protected override ValueTask OnRecoveryCompletedAsync()
    {
        ConfirmedState = State;
        observer?.Tell(new Recovered(Recovery!, State));
        return default;
    }

    protected override void OnPersistenceFailure(PersistenceFailureException failure) => observer?.Tell(new Failed(failure));

    protected override async ValueTask HandleCommandAsync(IAccountCommand command)
    {
        switch (command)
        {
            case Deposit deposit:
                await PersistAsync(new Deposited { Amount = deposit.Amount });
                Reply(deposit.ReplyTo);
                break;
            case DepositAll all:
                await PersistAllAsync(Array.ConvertAll(all.Amounts, IAccountEvent (amount) => new Deposited { Amount = amount }));
                Reply(all.ReplyTo);
                break;
            case Withdraw withdraw:
                await PersistAsync(new Withdrawn { Amount = withdraw.Amount });
                Reply(withdraw.ReplyTo);
                break;
            case GetBalance get:
                Reply(get.ReplyTo);
                break;
        }
    }

    private void Reply(ActorRef<Balance> replyTo)
    {
        ConfirmedState = State;
        replyTo.Tell(new Balance(State.Balance, State.Operations, LastSequenceNr));
    }

    private sealed class AccountSnapshotCodec : IEventCodec<AccountState>
    {
        public static readonly AccountSnapshotCodec Instance = new();

        public string ManifestOf(AccountState value) => AccountSnapshot.Descriptor.FullName;

        public byte[] Encode(AccountState value) => new AccountSnapshot { Balance = value.Balance, Operations = value.Operations }.ToByteArray();

        public AccountState Decode(string manifest, ReadOnlySpan<byte> payload)
        {
            if (manifest != AccountSnapshot.Descriptor.FullName)
            {
                throw new UnknownManifestException(manifest);
            }

            var snapshot = AccountSnapshot.Parser.ParseFrom(payload);
            return new AccountState(snapshot.Balance, snapshot.Operations);
        }
    }
}
