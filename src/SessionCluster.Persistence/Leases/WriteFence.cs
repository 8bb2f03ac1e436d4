namespace SessionCluster.Persistence.Leases;

/// <summary>The write fences there are: <see cref="PostgresWriteFence"/> in a cluster, <see cref="None"/> otherwise.</summary>
public static class WriteFence
{
    /// <summary>No fence: one node on SQLite (or PostgreSQL without leases), where nothing else can write its sessions.</summary>
    public static IWriteFence None { get; } = new NoWriteFence();

    private sealed class NoWriteFence : IWriteFence
    {
        public ValueTask RegisterAsync(string sessionId, string leaseName, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
