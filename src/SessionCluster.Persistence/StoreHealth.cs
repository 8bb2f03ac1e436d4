using Akka.Persistence;

namespace SessionCluster.Persistence;

/// <summary>
/// Akka's plugin health check for our stores: healthy when the database opens (or is open) within the call. The
/// journal adds a read of the gate table, a real round trip, so a PostgreSQL that went away after start-up shows.
/// </summary>
internal static class StoreHealth
{
    public static async Task<PersistenceHealthCheckResult> CheckAsync(Func<CancellationToken, Task> roundTrip, CancellationToken cancellationToken)
    {
        try
        {
            await roundTrip(cancellationToken).ConfigureAwait(false);
            return new PersistenceHealthCheckResult(PersistenceHealthStatus.Healthy, null, null, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new PersistenceHealthCheckResult(PersistenceHealthStatus.Unhealthy, $"the store cannot be reached: {e.Message}", e, null);
        }
    }
}
