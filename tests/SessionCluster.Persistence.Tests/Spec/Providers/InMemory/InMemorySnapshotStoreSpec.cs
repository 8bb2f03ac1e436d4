using Akka.Configuration;
using Akka.Persistence;
using SessionCluster.Persistence.Tests.Spec.Snapshots;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Providers.InMemory;

/// <summary>
/// The snapshot store suite on Akka's in-memory snapshot store: a list of the saved objects themselves. The overrides
/// pin where it differs from the spec (docs/PERSISTENCE-SPEC.md, "In-memory snapshot store").
/// </summary>
public sealed class InMemorySnapshotStoreSpec(ITestOutputHelper output) : SnapshotStoreSpec(output)
{
    private const string Differs = " [in-memory differs from the spec]";

    protected override Task<Config> CreatePluginConfigAsync() => Task.FromResult(InMemoryPlugins.Config);

    [Fact(DisplayName = nameof(InMemorySnapshotStoreSpec) + ".The_in_memory_snapshot_store_returns_the_saved_object_itself_without_its_serializer" + Differs)]
    public override async Task A_snapshot_bound_to_a_string_manifest_serializer_loads_through_that_serializer()
    {
        var pid = NewPersistenceId("serializer");
        var state = new SpecPayload("state");

        await SaveAsync(new SnapshotMetadata(pid, 1, DateTime.UtcNow), state);

        var loaded = (await LoadAsync(pid, SnapshotSelectionCriteria.Latest)).Snapshot;
        Assert.NotNull(loaded);
        Assert.Same(state, loaded.Snapshot);
    }

    [Fact(DisplayName = nameof(InMemorySnapshotStoreSpec) + ".The_in_memory_snapshot_store_starts_empty_after_a_restart" + Differs)]
    public override async Task Snapshots_and_deletions_survive_a_restart()
    {
        var pid = NewPersistenceId("restart");
        await SeedAsync(pid);

        await RestartActorSystemAsync();

        Assert.Null((await LoadAsync(pid, SnapshotSelectionCriteria.Latest)).Snapshot);
    }
}
