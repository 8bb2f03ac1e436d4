namespace SessionCluster.Actors;

/// <summary>
/// Runs mailbox turns. The default is the .NET thread pool, reached directly (no dispatcher object) on the hot path;
/// this type exists so that tests can run actors on one dedicated thread and observe fairness deterministically.
/// </summary>
internal abstract class Dispatcher
{
    /// <summary>Queues one mailbox turn. <paramref name="preferLocal"/> is a hint for work-stealing pools.</summary>
    public abstract void Schedule(IThreadPoolWorkItem workItem, bool preferLocal);
}
