using Akka.Actor;
using SessionCluster.Persistence.Tests.Support;
using SessionCluster.TestSupport;
using Xunit.Abstractions;
using static SessionCluster.Persistence.CrashWriter.CounterActor;

namespace SessionCluster.Persistence.Tests.Recovery;

/// <summary>
/// The promise behind "nothing is lost", through Akka: a process with 16 persistent actors killed between persists
/// (SIGKILL, mid-write) loses no event it confirmed, and recovery restores exactly what the journal committed —
/// every confirmed event, at most the one write per actor that was in flight at the kill, nothing repeated or out of
/// order (the counter's recovery throws unless event n holds n).
/// </summary>
public abstract class KilledWriterRecoveryTests(ITestOutputHelper output) : SystemsTest(output)
{
    private const int Counters = 16;
    private const int KillAfter = 3_000;

    protected abstract Task<PluginStore> CreateStoreAsync();

    [Fact]
    public async Task After_the_process_is_killed_between_persists_recovery_restores_exactly_the_confirmed_events()
    {
        var store = await CreateStoreAsync();
        var (confirmed, lines) = await CrashWriterProcess.RunAndKillAsync(store.Engine, store.Target, Counters, KillAfter);
        Assert.True(lines >= KillAfter, $"only {lines} events were confirmed before the process ended");

        var system = Systems.Start("recovery", store.Config());
        var inFlight = 0;
        for (var i = 0; i < Counters; i++)
        {
            var persistenceId = $"counter-{i}";
            var acknowledged = confirmed.GetValueOrDefault(persistenceId);
            var counter = system.ActorOf(Props(persistenceId), persistenceId);
            var recovered = (await counter.Ask<CounterState>(new GetCount(), Systems.Timeout)).Count;
            Assert.InRange(recovered, acknowledged, acknowledged + 1);
            inFlight += (int)(recovered - acknowledged);
        }

        Output.WriteLine($"{store.Engine}: {lines} events confirmed before SIGKILL; {inFlight} of {Counters} in-flight writes had committed without their confirmation line.");
    }
}

public sealed class SqliteKilledWriterRecoveryTests(ITestOutputHelper output) : KilledWriterRecoveryTests(output)
{
    protected override Task<PluginStore> CreateStoreAsync() => Task.FromResult(PluginStore.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresKilledWriterRecoveryTests(PostgresServer server, ITestOutputHelper output) : KilledWriterRecoveryTests(output)
{
    protected override Task<PluginStore> CreateStoreAsync() => PluginStore.PostgresAsync(server, "killed_writer");
}
