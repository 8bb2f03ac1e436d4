using System.Collections.Concurrent;

namespace SessionCluster.Actors;

/// <summary>
/// Runs every mailbox turn on one dedicated background thread, in FIFO order. For tests that need a
/// deterministic interleaving (fairness); not for production, where the thread pool is used.
/// </summary>
internal sealed class SingleThreadDispatcher : Dispatcher, IDisposable
{
    private readonly BlockingCollection<IThreadPoolWorkItem> _queue = new(new ConcurrentQueue<IThreadPoolWorkItem>());
    private readonly Thread _thread;

    public SingleThreadDispatcher(string name)
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    public override void Schedule(IThreadPoolWorkItem workItem, bool preferLocal)
    {
        if (!_queue.IsAddingCompleted)
            _queue.Add(workItem);
        else
            ThreadPool.UnsafeQueueUserWorkItem(workItem, preferLocal: false); // after disposal, late turns still run
    }

    private void Loop()
    {
        foreach (var workItem in _queue.GetConsumingEnumerable())
            workItem.Execute();
    }

    public void Dispose() => _queue.CompleteAdding();
}
