using SessionCluster.Persistence.Store;

namespace SessionCluster.Persistence.Postgres;

/// <summary>One caller's <see cref="AtomicWrite"/> waiting in <see cref="PostgresAppendWriter"/>'s queue.</summary>
internal sealed class PostgresAppendRequest(AtomicWrite write, CancellationToken cancellationToken)
{
    // Continuations run on the thread pool, never inline on the writer loop.
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AtomicWrite Write { get; } = write;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public Task Task => _completion.Task;

    public void Succeed() => _completion.TrySetResult();

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
