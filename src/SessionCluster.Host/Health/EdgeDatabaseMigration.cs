using SessionCluster.Edge.Store;
using SessionCluster.Host.Logging;

namespace SessionCluster.Host.Health;

/// <summary>
/// Applies the edge's migrations once the node has started, and again every so often until they succeed: a database
/// that is down at start (PostgreSQL restarting beside the node) must not stop the node from starting, answering
/// <c>/health/ready</c> 503 and connecting its sessions; the edge's routes wait for <see cref="Done"/> (briefly) and
/// answer 503 until then.
/// </summary>
internal sealed class EdgeDatabaseMigration(EdgeDatabase database, ILogger<EdgeDatabaseMigration> logger) : IHostedService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    /// <summary>Completes once every migration is applied.</summary>
    public Task Done => _done.Task;

    /// <summary>Why the last attempt failed (the exception's type and message, which name no password), null before one did or once done.</summary>
    public string? LastFailure { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => MigrateUntilDoneAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task MigrateUntilDoneAsync(CancellationToken stopping)
    {
        var delay = FirstRetry;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var applied = await EdgeMigrations.ApplyAsync(database, stopping).ConfigureAwait(false);
                LastFailure = null;
                HostLog.EdgeDatabaseReady(logger, database.Dialect.ToString().ToLowerInvariant(), applied.Count == 0 ? "none" : string.Join(", ", applied));
                _done.TrySetResult();
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
            {
                LastFailure = $"{e.GetType().Name}: {e.Message}";
                HostLog.EdgeDatabaseUnreachable(logger, database.Dialect.ToString().ToLowerInvariant(), LastFailure, delay.TotalSeconds);
            }

            try
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(MaxRetry.Ticks, delay.Ticks * 2));
        }
    }
}
