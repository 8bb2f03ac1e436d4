using SessionCluster.TestSupport;

namespace SessionCluster.Persistence.Tests;

/// <summary>One throwaway PostgreSQL server for every test class of this assembly that names this collection.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
