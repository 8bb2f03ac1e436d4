namespace SessionCluster.Edge.Tests.Grpc;

/// <summary>One node for the gRPC test classes: starting a node is the slow part, and each test names its own sessions.</summary>
[CollectionDefinition(Name)]
public sealed class GrpcNodeCollection : ICollectionFixture<EdgeNode>
{
    public const string Name = "grpc-node";
}
