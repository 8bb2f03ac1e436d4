namespace SessionCluster.Persistence.Sqlite;

/// <summary>
/// One caller's write waiting in <see cref="SqliteWriter"/>'s queue: an append, a claim, a deletion or a
/// snapshot. The writer runs it inside the batch transaction under its own savepoint and completes the caller
/// only after COMMIT (or with the exception that rejected it).
/// </summary>
internal abstract class SqliteWriteRequest(int weight, CancellationToken cancellationToken)
{
    /// <summary>What the request counts against <see cref="SqliteStorageOptions.MaxBatchSize"/>: its events, or 1.</summary>
    public int Weight { get; } = weight;

    /// <summary>A request cancelled before the writer reaches it is dropped; once started it runs to the end.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Does the work on the write connection; throws to reject the request alone.</summary>
    public abstract void Execute(SqliteWriteStatements statements);

    /// <summary>Completes the caller after the batch committed.</summary>
    public abstract void Succeed();

    public abstract void Fail(Exception exception);
}

/// <inheritdoc />
internal sealed class SqliteWriteRequest<TState, TResult>(
    TState state, Func<SqliteWriteStatements, TState, TResult> work, int weight, CancellationToken cancellationToken)
    : SqliteWriteRequest(weight, cancellationToken)
{
    // Continuations run on the thread pool, never inline on the writer's thread.
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TResult? _result;

    public Task<TResult> Task => _completion.Task;

    public override void Execute(SqliteWriteStatements statements) => _result = work(statements, state);

    public override void Succeed() => _completion.TrySetResult(_result!);

    public override void Fail(Exception exception) => _completion.TrySetException(exception);
}
