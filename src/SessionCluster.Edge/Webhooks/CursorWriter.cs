using System.Threading.Channels;

namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// Writes the lanes' cursor moves in group commits: every move waiting when the writer is free goes into one
/// transaction, and each lane's wait ends once its move is durable. A lane still never takes its next event before
/// the previous one's cursor is written (so a crash re-posts at most the event in flight), but hundreds of lanes cost
/// one commit instead of hundreds of competing writers (on SQLite, a writer that finds the file locked sleeps 150 ms
/// in Microsoft.Data.Sqlite before it tries again: that, not the receiver, was what made live delivery lag).
/// </summary>
public sealed class CursorWriter : IAsyncDisposable
{
    /// <summary>At most this many moves per transaction (a few hundred rows: milliseconds on either engine).</summary>
    private const int MaxBatch = 500;

    private readonly WebhookStore _store;
    private readonly Channel<Move> _moves = Channel.CreateUnbounded<Move>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public CursorWriter(WebhookStore store)
    {
        _store = store;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Moves the pair's cursor to <paramref name="seq"/>; done once it is durable.</summary>
    public Task AdvanceAsync(string webhookId, string sessionActor, long seq, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var move = new Move(webhookId, sessionActor, seq, at, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_moves.Writer.TryWrite(move))
        {
            throw new ObjectDisposedException(nameof(CursorWriter));
        }

        return move.Done.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _moves.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task LoopAsync()
    {
        var batch = new List<Move>(MaxBatch);
        while (await _moves.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _moves.Reader.TryRead(out var move))
            {
                batch.Add(move);
            }

            if (!await TryWriteAsync(batch).ConfigureAwait(false))
            {
                // One bad move (its webhook deleted meanwhile) must not fail the others: write them one by one. A lane
                // whose move fails gets the exception and stops (logged there); a rescan starts it again if it should run.
                foreach (var move in batch)
                {
                    await TryWriteAsync([move]).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task<bool> TryWriteAsync(List<Move> moves)
    {
        try
        {
            await _store.AdvanceManyAsync([.. moves.Select(m => (m.WebhookId, m.SessionActor, m.Seq, m.At))], CancellationToken.None).ConfigureAwait(false);
            moves.ForEach(m => m.Done.TrySetResult());
            return true;
        }
        catch (Exception e) when (moves.Count == 1)
        {
            moves[0].Done.TrySetException(e);
            return true;
        }
        catch (Exception) when (moves.Count > 1)
        {
            // Not lost: the caller writes each move alone, and each failing one reaches its lane.
            return false;
        }
    }

    private sealed record Move(string WebhookId, string SessionActor, long Seq, DateTimeOffset At, TaskCompletionSource Done);
}
