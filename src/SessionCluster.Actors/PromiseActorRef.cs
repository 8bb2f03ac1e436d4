namespace SessionCluster.Actors;

/// <summary>
/// The temporary reply reference of an ask: the first reply completes the task, anything after that (or after the
/// timeout or cancellation) is a dead letter. Lives at <c>sc://system/temp/$ask-N</c>; it is not an actor and cannot be watched.
/// </summary>
internal sealed class PromiseActorRef<TReply> : ActorRef<TReply> where TReply : class
{
    private static long s_counter;

    private readonly TaskCompletionSource<TReply> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ActorPath _target;
    private readonly TimeSpan _timeout;
    private readonly DeadLetters? _deadLetters;
    private readonly long _id = Interlocked.Increment(ref s_counter);
    private readonly ActorPath _root;
    private ITimer? _timer;
    private CancellationTokenRegistration _cancellation;

    public PromiseActorRef(ActorPath target, TimeSpan timeout, ActorSystem? system)
    {
        _target = target;
        _timeout = timeout;
        _deadLetters = system?.DeadLetters;
        _root = system?.RootPath ?? ActorPath.Root("local");
    }

    public Task<TReply> Task => _completion.Task;

    public override ActorPath Path => _root.Child("temp").Child("$ask-" + _id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Start(TimeProvider clock, CancellationToken cancellationToken)
    {
        if (_timeout != Timeout.InfiniteTimeSpan)
            _timer = clock.CreateTimer(static state => ((PromiseActorRef<TReply>)state!).OnTimeout(), this, _timeout, Timeout.InfiniteTimeSpan);
        if (cancellationToken.CanBeCanceled)
            _cancellation = cancellationToken.Register(static (state, token) => ((PromiseActorRef<TReply>)state!).OnCancelled(token), this);
    }

    private void OnTimeout()
    {
        if (_completion.TrySetException(new AskTimeoutException(_target, _timeout))) Cleanup();
    }

    private void OnCancelled(CancellationToken token)
    {
        if (_completion.TrySetCanceled(token)) Cleanup();
    }

    public void Fail(Exception exception)
    {
        if (_completion.TrySetException(exception)) Cleanup();
    }

    private void Cleanup()
    {
        _timer?.Dispose();
        _cancellation.Dispose();
    }

    public override void Tell(TReply message) => TryTell(message);

    public override bool TryTell(TReply message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_completion.TrySetResult(message))
        {
            Cleanup();
            return true;
        }
        _deadLetters?.Publish(new DeadLetter(message, this, DeadLetterReason.AskAlreadyCompleted));
        return false;
    }

    public override ValueTask TellAsync(TReply message, CancellationToken cancellationToken = default)
    {
        TryTell(message);
        return default;
    }
}
