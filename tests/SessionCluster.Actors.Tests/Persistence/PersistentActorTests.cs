using Google.Protobuf;
using SessionCluster.Actors.Persistence;
using SessionCluster.Actors.TestKit;

namespace SessionCluster.Actors.Tests.Persistence;

public sealed class PersistentActorTests : ActorTestKit
{
    private readonly InMemoryJournal _memory = new();
    private readonly InMemorySnapshotStore _snapshots = new();
    private readonly ControllableJournal _journal;
    private readonly PersistenceStores _stores;

    public PersistentActorTests()
    {
        _journal = new ControllableJournal(_memory);
        _stores = new PersistenceStores(_journal, _snapshots);
    }

    [Fact]
    public async Task A_new_incarnation_recovers_exactly_the_persisted_events()
    {
        var replies = CreateProbe<Balance>();
        var first = SpawnAccount("account-1");
        first.Tell(new Deposit(10, replies.Ref));
        first.Tell(new DepositAll([5, 7], replies.Ref));
        first.Tell(new Withdraw(2, replies.Ref));
        replies.ExpectMsg(new Balance(10, 1, 1));
        replies.ExpectMsg(new Balance(22, 3, 3));
        replies.ExpectMsg(new Balance(20, 4, 4));
        await System.StopAsync(first);

        var reports = CreateProbe<IAccountReport>();
        var second = SpawnAccount("account-1", reports.Ref);
        var recovered = reports.ExpectMsg<Recovered>();
        Assert.Equal(new AccountState(20, 4), recovered.State);
        Assert.Equal(4, recovered.Result.ReplayedEvents);
        Assert.Equal(4, recovered.Result.HighestSequenceNr);
        second.Tell(new GetBalance(replies.Ref));
        replies.ExpectMsg(new Balance(20, 4, 4));
    }

    [Fact]
    public async Task The_state_changes_only_after_the_journal_confirmed_the_write()
    {
        var replies = CreateProbe<Balance>();
        AccountActor? instance = null;
        var account = System.Spawn(() => instance = new AccountActor("account-2", _stores));
        account.Tell(new Deposit(10, replies.Ref));
        replies.ExpectMsg(new Balance(10, 1, 1));

        _journal.HoldAppends();
        account.Tell(new Deposit(5, replies.Ref));
        await _journal.AppendEntered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new AccountState(10, 1), instance!.ConfirmedState);

        // Handlers are not re-entrant: a query sent now waits for the write, and then sees it.
        account.Tell(new GetBalance(replies.Ref));
        replies.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        _journal.ReleaseAppends();
        replies.ExpectMsg(new Balance(15, 2, 2));
        replies.ExpectMsg(new Balance(15, 2, 2));
    }

    [Fact]
    public async Task A_failed_persist_stops_the_actor_and_leaves_no_half_applied_state()
    {
        var replies = CreateProbe<Balance>();
        var reports = CreateProbe<IAccountReport>();
        var account = SpawnAccount("account-3", reports.Ref);
        reports.ExpectMsg<Recovered>();
        account.Tell(new Deposit(10, replies.Ref));
        replies.ExpectMsg(new Balance(10, 1, 1));

        reports.Watch(account);
        _journal.FailNextAppend = new IOException("disk full");
        account.Tell(new DepositAll([1, 2, 3], replies.Ref));
        var failed = reports.ExpectMsg<Failed>();
        Assert.Equal("account-3", failed.Failure.PersistenceId);
        Assert.Equal(2, failed.Failure.SequenceNr);
        Assert.IsType<IOException>(failed.Failure.InnerException);
        reports.ExpectTerminated(account);
        replies.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        Assert.Equal(1, await _memory.ReadHighestSequenceNrAsync("account-3"));
        SpawnAccount("account-3", reports.Ref);
        Assert.Equal(new AccountState(10, 1), reports.ExpectMsg<Recovered>().State);
    }

    [Fact]
    public async Task An_event_the_state_rejects_is_never_written()
    {
        var replies = CreateProbe<Balance>();
        var reports = CreateProbe<IAccountReport>();
        var account = SpawnAccount("account-4", reports.Ref);
        reports.ExpectMsg<Recovered>();
        account.Tell(new Deposit(10, replies.Ref));
        replies.ExpectMsg(new Balance(10, 1, 1));

        // Apply throws before the append: the supervisor restarts the actor, which recovers the one real event.
        account.Tell(new Withdraw(50, replies.Ref));
        Assert.Equal(new AccountState(10, 1), reports.ExpectMsg<Recovered>().State);
        Assert.Equal(1, await _memory.ReadHighestSequenceNrAsync("account-4"));
        account.Tell(new GetBalance(replies.Ref));
        replies.ExpectMsg(new Balance(10, 1, 1));
    }

    [Fact]
    public async Task Snapshots_are_taken_every_N_events_and_the_events_they_cover_are_deleted()
    {
        var replies = CreateProbe<Balance>();
        var account = SpawnAccount("account-5", snapshotEvery: 10);
        for (var i = 1; i <= 25; i++)
        {
            account.Tell(new Deposit(i, replies.Ref));
        }

        replies.FishForMessage(b => b.SequenceNr == 25);
        var snapshot = await _snapshots.LoadLatestAsync("account-5");
        Assert.Equal(20, snapshot!.SequenceNr);
        Assert.Empty(await ToListAsync(_memory.ReplayAsync("account-5", 1, 20)));
        Assert.Equal(5, (await ToListAsync(_memory.ReplayAsync("account-5", 1, long.MaxValue))).Count);
        Assert.Null(await _snapshots.LoadLatestAsync("account-5", 19));
        await System.StopAsync(account);

        var reports = CreateProbe<IAccountReport>();
        SpawnAccount("account-5", reports.Ref, snapshotEvery: 10);
        var recovered = reports.ExpectMsg<Recovered>();
        Assert.Equal(20, recovered.Result.SnapshotSequenceNr);
        Assert.Equal(5, recovered.Result.ReplayedEvents);
        Assert.Equal(new AccountState(25 * 26 / 2, 25), recovered.State);
    }

    [Fact]
    public async Task A_corrupted_event_stops_recovery_with_an_error_naming_the_persistence_id_and_sequence_number()
    {
        await PersistDeposits("account-6", 3);
        _memory.CorruptPayload("account-6", 2);

        var failure = RecoverExpectingFailure("account-6");
        var corruption = Assert.IsType<JournalCorruptionException>(failure.InnerException);
        Assert.Equal("account-6", corruption.PersistenceId);
        Assert.Equal(2, corruption.SequenceNr);
    }

    [Fact]
    public async Task An_unknown_manifest_stops_recovery_with_an_error_naming_the_persistence_id_and_sequence_number()
    {
        await PersistDeposits("account-7", 2);
        await _memory.ClaimAsync("account-7", "foreign-writer");
        await _memory.AppendAsync(new AtomicWrite("account-7", "foreign-writer", [new JournalEvent("account-7", 3, "sessioncluster.tests.persistence.Frozen", new byte[] { 8, 1 }, "foreign-writer", DateTimeOffset.UnixEpoch)]));

        var failure = RecoverExpectingFailure("account-7");
        var decode = Assert.IsType<EventDecodeException>(failure.InnerException);
        Assert.Equal(("account-7", 3L, "sessioncluster.tests.persistence.Frozen"), (decode.PersistenceId, decode.SequenceNr!.Value, decode.Manifest));
        Assert.Contains("account-7", decode.Message);
    }

    [Fact]
    public async Task A_gap_in_the_journal_stops_recovery()
    {
        await PersistDeposits("account-8", 4);
        _journal.DropOnReplay = 3;

        var failure = RecoverExpectingFailure("account-8");
        var corruption = Assert.IsType<JournalCorruptionException>(failure.InnerException);
        Assert.Equal(3, corruption.SequenceNr);
    }

    [Fact]
    public async Task A_second_incarnation_fences_out_the_first_one()
    {
        var replies = CreateProbe<Balance>();
        var oldReports = CreateProbe<IAccountReport>();
        var old = SpawnAccount("account-9", oldReports.Ref);
        oldReports.ExpectMsg<Recovered>();
        old.Tell(new Deposit(10, replies.Ref));
        replies.ExpectMsg(new Balance(10, 1, 1));

        var newReports = CreateProbe<IAccountReport>();
        var current = SpawnAccount("account-9", newReports.Ref, name: "account-9-b");
        newReports.ExpectMsg<Recovered>();

        oldReports.Watch(old);
        old.Tell(new Deposit(99, replies.Ref));
        var rejected = Assert.IsType<JournalWriteRejectedException>(oldReports.ExpectMsg<Failed>().Failure.InnerException);
        Assert.Equal(WriteRejection.FencedOut, rejected.Reason);
        oldReports.ExpectTerminated(old);

        current.Tell(new Deposit(1, replies.Ref));
        replies.ExpectMsg(new Balance(11, 2, 2));
        Assert.Equal(2, await _memory.ReadHighestSequenceNrAsync("account-9"));
    }

    [Fact]
    public async Task Commands_sent_during_recovery_wait_for_it()
    {
        await PersistDeposits("account-10", 3);
        _journal.HoldReplays();
        var replies = CreateProbe<Balance>();
        var account = SpawnAccount("account-10");
        account.Tell(new GetBalance(replies.Ref));
        account.Tell(new Deposit(4, replies.Ref));
        await _journal.ReplayEntered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        replies.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        _journal.ReleaseReplays();
        replies.ExpectMsg(new Balance(6, 3, 3));
        replies.ExpectMsg(new Balance(10, 4, 4));
    }

    [Fact]
    public async Task A_renamed_event_is_read_through_its_old_manifest()
    {
        await _memory.ClaimAsync("account-11", "old-version");
        var old = new Credited { Amount = 42 }.ToByteArray();
        await _memory.AppendAsync(new AtomicWrite("account-11", "old-version", [new JournalEvent("account-11", 1, "sessioncluster.tests.persistence.CreditedV0", old, "old-version", DateTimeOffset.UnixEpoch)]));

        var reports = CreateProbe<IAccountReport>();
        SpawnAccount("account-11", reports.Ref);
        Assert.Equal(new AccountState(42, 1), reports.ExpectMsg<Recovered>().State);
    }

    private ActorRef<IAccountCommand> SpawnAccount(string persistenceId, ActorRef<IAccountReport>? observer = null, int snapshotEvery = 0, string? name = null) =>
        System.Spawn(() => new AccountActor(persistenceId, _stores, observer, snapshotEvery), name);

    private async Task PersistDeposits(string persistenceId, int count)
    {
        var replies = CreateProbe<Balance>();
        var account = SpawnAccount(persistenceId);
        for (var i = 1; i <= count; i++)
        {
            account.Tell(new Deposit(i, replies.Ref));
        }

        replies.FishForMessage(b => b.SequenceNr == count);
        await System.StopAsync(account);
    }

    private PersistenceFailureException RecoverExpectingFailure(string persistenceId)
    {
        var reports = CreateProbe<IAccountReport>();
        var account = SpawnAccount(persistenceId, reports.Ref);
        reports.Watch(account);
        var failure = reports.ExpectMsg<Failed>().Failure;
        reports.ExpectTerminated(account);
        Assert.Equal(persistenceId, failure.PersistenceId);
        return failure;
    }

    private static async Task<List<JournalEvent>> ToListAsync(IAsyncEnumerable<JournalEvent> events)
    {
        var list = new List<JournalEvent>();
        await foreach (var e in events)
        {
            list.Add(e);
        }

        return list;
    }
}
