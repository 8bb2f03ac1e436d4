namespace SessionCluster.Persistence.Leases;

/// <summary>Why a lease, fence or schema operation failed (<see cref="LeaseFailureException.Failure"/>).</summary>
public enum LeaseFailure
{
    /// <summary>PostgreSQL could not be reached or refused the connection.</summary>
    DatabaseUnreachable,

    /// <summary>The operation did not finish within <c>lease-operation-timeout</c>.</summary>
    OperationTimedOut,

    /// <summary>No renewal succeeded for <c>heartbeat-timeout − safety-margin</c>; the holder gave the lease up.</summary>
    RenewalOverdue,

    /// <summary>A renewal found the row no longer ours (expired and taken, or released elsewhere).</summary>
    TakenOver,

    /// <summary>The lease's configuration section is missing a key or has an invalid value.</summary>
    InvalidConfiguration,

    /// <summary>The journal or snapshot table did not appear before the attach timeout.</summary>
    JournalTablesMissing,

    /// <summary>A session is already registered under another lease than the one it registers now.</summary>
    FenceMismatch,
}
