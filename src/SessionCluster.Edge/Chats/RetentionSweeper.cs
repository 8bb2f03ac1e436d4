using Microsoft.Extensions.Logging;

namespace SessionCluster.Edge.Chats;

/// <summary>
/// Applies the tenants' retention (<see cref="Tenants.Tenant.RetentionDays"/>) to the store: at start and then every
/// <see cref="EdgeOptions.RetentionSweepInterval"/>, the messages older than their tenant's days (with 0, every message)
/// and their status history are deleted (<see cref="ChatStore.SweepAsync"/>); chats and contacts stay.
/// </summary>
public sealed partial class RetentionSweeper(ChatStore store, TimeProvider clock, TimeSpan interval, Task ready, ILogger<RetentionSweeper> logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    private async Task RunAsync(CancellationToken ct)
    {
        await ready.WaitAsync(ct).ConfigureAwait(false);
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                var deleted = await store.SweepAsync(clock.GetUtcNow(), ct).ConfigureAwait(false);
                LogSwept(logger, deleted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped as asked.
            }
        }

        _stop.Dispose();
    }

    [LoggerMessage(EventId = 7410, Level = LogLevel.Debug, Message = "Retention swept the chats store: {Deleted} messages deleted")]
    private static partial void LogSwept(ILogger logger, int deleted);

    [LoggerMessage(EventId = 7411, Level = LogLevel.Error, Message = "Retention could not sweep the chats store; it tries again at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
