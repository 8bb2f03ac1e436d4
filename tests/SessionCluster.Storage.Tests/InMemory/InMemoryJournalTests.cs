using SessionCluster.Actors.Persistence;
using SessionCluster.Storage.Tests.Contracts;
using Xunit.Abstractions;

namespace SessionCluster.Storage.Tests.InMemory;

public sealed class InMemoryJournalTests(ITestOutputHelper output) : JournalContractTests(output)
{
    private readonly InMemoryJournal _journal = new();

    protected override Task<IJournal> CreateJournalAsync() => Task.FromResult<IJournal>(_journal);

    protected override Task CorruptPayloadAsync(string persistenceId, long sequenceNr)
    {
        Assert.True(_journal.CorruptPayload(persistenceId, sequenceNr));
        return Task.CompletedTask;
    }
}

public sealed class InMemorySnapshotStoreTests : SnapshotStoreContractTests
{
    private readonly InMemorySnapshotStore _store = new();

    protected override Task<ISnapshotStore> CreateStoreAsync() => Task.FromResult<ISnapshotStore>(_store);

    protected override Task CorruptPayloadAsync(string persistenceId, long sequenceNr)
    {
        Assert.True(_store.CorruptPayload(persistenceId, sequenceNr));
        return Task.CompletedTask;
    }
}
