using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SessionCluster.Actors;

/// <summary>
/// A tree of actors under one user guardian, with its dead letters, clock and logging.
/// Create with <see cref="Create"/>; dispose (or <see cref="ShutdownAsync"/>) to stop every actor, children before parents.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell<object> _guardian;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _shutdown;
    private long _uidCounter;

    private ActorSystem(string name, ActorSystemOptions options, ILoggerFactory loggerFactory)
    {
        Name = name;
        Options = options;
        LoggerFactory = loggerFactory;
        RuntimeLogger = loggerFactory.CreateLogger("SessionCluster.Actors.ActorSystem");
        DeadLetters = new DeadLetters(loggerFactory.CreateLogger("SessionCluster.Actors.DeadLetters"), options.TimeProvider);
        RootPath = ActorPath.Root(name);
        Throughput = options.Throughput;
        Dispatcher = options.Dispatcher;
        _guardian = new ActorCell<object>(this, parent: null, "user", () => new GuardianActor(options.GuardianStrategy), MailboxOptions.Unbounded);
        _guardian.Launch();
    }

    /// <summary>Creates a system. <paramref name="name"/> becomes the root of every path (<c>sc://name/user/...</c>).</summary>
    public static ActorSystem Create(string name, ActorSystemOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        options ??= new ActorSystemOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Throughput, 1);
        return new ActorSystem(name, options, loggerFactory ?? NullLoggerFactory.Instance);
    }

    /// <summary>The system's name, the root of its paths.</summary>
    public string Name { get; }

    /// <summary>The options it was created with.</summary>
    public ActorSystemOptions Options { get; }

    /// <summary>The clock of timers, backoffs and ask timeouts (<see cref="ActorSystemOptions.TimeProvider"/>).</summary>
    public TimeProvider TimeProvider => Options.TimeProvider;

    /// <summary>Where the runtime and <c>Context.Log</c> get their loggers.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Undeliverable messages: counted, logged, published.</summary>
    public DeadLetters DeadLetters { get; }

    /// <summary>Completes when the system has shut down.</summary>
    public Task WhenTerminated => _terminated.Task;

    internal ActorPath RootPath { get; }

    internal ILogger RuntimeLogger { get; }

    internal int Throughput { get; }

    internal Dispatcher? Dispatcher { get; }

    internal long NextUid() => Interlocked.Increment(ref _uidCounter);

    /// <summary>Creates a top-level actor under the user guardian, which supervises it with
    /// <see cref="ActorSystemOptions.GuardianStrategy"/>. Throws <see cref="InvalidActorNameException"/> for a name
    /// used by a live top-level actor and <see cref="InvalidOperationException"/> once shutdown has begun.</summary>
    public ActorRef<T> Spawn<T>(Func<Actor<T>> factory, string? name = null, MailboxOptions? mailbox = null) where T : class
    {
        if (Volatile.Read(ref _shutdown) is not null)
            throw new InvalidOperationException($"Actor system {Name} is shutting down; no new actors.");
        return _guardian.SpawnChild(factory, name, mailbox).Self;
    }

    /// <summary>Stops <paramref name="actor"/> (any level): it finishes its current message, stops its children, runs
    /// PostStopAsync, then its watchers get Terminated. Completes when it has terminated (at once if it already had).</summary>
    public Task StopAsync(IActorRef actor)
    {
        var cell = ActorRefCells.RequireCell(actor, "StopAsync");
        if (!ReferenceEquals(cell.System, this))
            throw new ArgumentException($"{actor.Path} belongs to another actor system.", nameof(actor));
        var terminated = cell.WhenTerminated;
        cell.Stop();
        return terminated;
    }

    /// <summary>Stops every actor, each after its children (depth-first), then completes <see cref="WhenTerminated"/>.
    /// Waits at most <see cref="ActorSystemOptions.ShutdownTimeout"/>, then logs an error and completes anyway. Idempotent.</summary>
    public Task ShutdownAsync()
    {
        var shutdown = Volatile.Read(ref _shutdown);
        if (shutdown is not null) return shutdown;
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        shutdown = Interlocked.CompareExchange(ref _shutdown, created.Task, null);
        if (shutdown is not null) return shutdown;
        _ = RunShutdownAsync(created);
        return created.Task;
    }

    private async Task RunShutdownAsync(TaskCompletionSource done)
    {
        RuntimeLog.ShutdownStarted(RuntimeLogger, Name);
        var guardianTerminated = _guardian.WhenTerminated;
        _guardian.Stop();
        try
        {
            await guardianTerminated.WaitAsync(Options.ShutdownTimeout, TimeProvider.System).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            RuntimeLog.ShutdownTimedOut(RuntimeLogger, Name, Options.ShutdownTimeout);
        }
        RuntimeLog.SystemTerminated(RuntimeLogger, Name);
        _terminated.TrySetResult();
        done.TrySetResult();
    }

    /// <summary>The guardian terminated (normally through shutdown).</summary>
    internal void OnGuardianTerminated()
    {
        if (Volatile.Read(ref _shutdown) is null) _ = ShutdownAsync(); // e.g. the guardian failed: the system is over
    }

    /// <summary>Same as <see cref="ShutdownAsync"/>.</summary>
    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public override string ToString() => RootPath.ToString();
}
