using SessionCluster.Edge.Auth;
using SessionCluster.Edge.Events;

namespace SessionCluster.Edge;

/// <summary>What the routes need, made once by the node and passed in: no route reaches for a service locator.</summary>
public sealed record EdgeDependencies(EdgeOptions Options, AdminKey AdminKey, SessionGateway Sessions, SessionEventLog Events, TimeProvider Clock);
