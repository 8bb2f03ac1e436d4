using SessionCluster.Protocol;

namespace SessionCluster.Persistence.Leases;

/// <summary>
/// A lease, write-fence or schema operation that failed, typed by <see cref="LeaseFailure"/>. Akka's Shard treats a
/// faulted <c>Acquire</c> of any exception type as "not acquired, retry after lease-retry-interval", and hands the
/// exception given to the lease-lost callback to its log; the message never holds the connection string.
/// </summary>
public sealed class LeaseFailureException(LeaseFailure failure, string message, Exception? inner = null)
    : ProtocolFailureException<LeaseFailure>(failure, message, inner);
