using Akka.Configuration;

namespace SessionCluster.Persistence.Tests.Spec.Providers.InMemory;

/// <summary>
/// Akka's in-memory journal and snapshot store, from Akka.Persistence itself. Every actor system starts empty, so
/// each test's store is fresh. Akka.Persistence ships no read journal for them (that is the separate
/// Akka.Persistence.Query.InMemory package), so the read journal suite does not run here.
/// </summary>
internal static class InMemoryPlugins
{
    public static Config Config { get; } = ConfigurationFactory.ParseString("""
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """);
}
