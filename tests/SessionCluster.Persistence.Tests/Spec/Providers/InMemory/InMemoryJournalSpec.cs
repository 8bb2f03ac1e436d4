using Akka.Configuration;
using SessionCluster.Persistence.Tests.Spec.Journal;
using Xunit.Abstractions;

namespace SessionCluster.Persistence.Tests.Spec.Providers.InMemory;

public sealed class InMemoryJournalSpec(ITestOutputHelper output) : JournalSpec(output)
{
    protected override Task<Config> CreatePluginConfigAsync() => Task.FromResult(InMemoryPlugins.Config);
}
