using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec;

/// <summary>
/// What the three plugin suites share. Each test gets its own actor system, built from the provider's HOCON
/// (<see cref="CreatePluginConfigAsync"/>) on top of the suite's settings (<see cref="SpecConfig"/>), and
/// persistence ids that no other test uses, so tests may share one store.
/// </summary>
/// <remarks>
/// The actor system is created in <see cref="InitializeAsync"/> rather than in a constructor so that a provider
/// can create its store asynchronously (a PostgreSQL database, for one) before the plugins start.
/// </remarks>
public abstract class PluginSpec(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private TestKit? _kit;
    private Config _config = Config.Empty;

    /// <summary>
    /// The provider's HOCON: <c>akka.persistence.journal.plugin</c> and <c>akka.persistence.snapshot-store.plugin</c>
    /// set to the plugin ids under test, each plugin's settings (connection string and so on), and for a read journal
    /// its settings under the id <see cref="ReadJournalSpec.ReadJournalPluginId"/> names. The store it points at must
    /// be fresh for this test class (a temp file, a database of its own); persistence ids are unique per test.
    /// </summary>
    protected abstract Task<Config> CreatePluginConfigAsync();

    /// <summary>Releases what <see cref="CreatePluginConfigAsync"/> created, after the actor system has stopped.</summary>
    protected virtual Task DeleteStoreAsync() => Task.CompletedTask;

    /// <summary>The test kit around this test's actor system.</summary>
    protected TestKit Kit => _kit ?? throw new InvalidOperationException("The actor system starts in InitializeAsync.");

    protected ActorSystem Sys => Kit.Sys;

    /// <summary>The writer of every event a test writes unless it says otherwise.</summary>
    protected string WriterGuid { get; } = Guid.NewGuid().ToString();

    public async Task InitializeAsync()
    {
        _config = (await CreatePluginConfigAsync()).WithFallback(SpecConfig.Suite);
        _kit = new TestKit(_config, GetType().Name, output);
    }

    /// <summary>
    /// Stops this test's actor system and starts a new one on the same store, as a node restart would: whatever a
    /// plugin kept only in memory is gone afterwards.
    /// </summary>
    protected async Task RestartActorSystemAsync()
    {
        await Kit.Sys.Terminate();
        Kit.Dispose();
        _kit = new TestKit(_config, GetType().Name + "-restarted", output);
    }

    public async Task DisposeAsync()
    {
        if (_kit is not null)
        {
            await _kit.Sys.Terminate();
            _kit.Dispose();
        }

        await DeleteStoreAsync();
    }

    /// <summary>A persistence id no other test (nor another run against the same store) uses.</summary>
    protected string NewPersistenceId(string name) => $"{name}-{_run}";
}
