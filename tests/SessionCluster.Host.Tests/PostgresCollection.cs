using SessionCluster.TestSupport;

// Nodes share Serilog's static logger (Akka.Logger.Serilog writes through it) and two cores: one node at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace SessionCluster.Host.Tests;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
