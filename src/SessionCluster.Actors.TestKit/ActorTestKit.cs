using Xunit;
using Xunit.Sdk;

namespace SessionCluster.Actors.TestKit;

/// <summary>
/// Base class for xunit test classes of actors. xunit creates one instance per test, so every test gets a fresh
/// <see cref="System"/>, shut down in <see cref="DisposeAsync"/>.
/// <para>Dead-letter check: a dead letter published before shutdown begins fails the test, because in most tests it
/// means a message went somewhere unintended. A test that expects dead letters calls <see cref="ExpectDeadLetters"/>.
/// Dead letters produced by the shutdown itself (messages left in mailboxes) are not counted.</para>
/// </summary>
public abstract class ActorTestKit : IAsyncLifetime, IAsyncDisposable
{
    private readonly List<DeadLetter> _deadLetters = [];
    private bool _deadLettersExpected;
    private bool _disposed;

    /// <summary>Creates the test's system, named after the test class, logging to <paramref name="loggerFactory"/> if given.</summary>
    protected ActorTestKit(ActorSystemOptions? options = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
    {
        System = ActorSystem.Create(GetType().Name, options, loggerFactory);
        System.DeadLetters.Published += OnDeadLetter;
    }

    /// <summary>The test's own system.</summary>
    protected ActorSystem System { get; }

    /// <summary>Dead letters published so far (before shutdown), for assertions.</summary>
    protected IReadOnlyList<DeadLetter> DeadLettersSoFar
    {
        get
        {
            lock (_deadLetters) return _deadLetters.ToArray();
        }
    }

    /// <summary>A new probe in <see cref="System"/>.</summary>
    protected TestProbe<T> CreateProbe<T>(string? name = null) where T : class => new(System, name);

    /// <summary>This test produces dead letters on purpose: do not fail it for them.</summary>
    protected void ExpectDeadLetters() => _deadLettersExpected = true;

    private void OnDeadLetter(DeadLetter deadLetter)
    {
        lock (_deadLetters) _deadLetters.Add(deadLetter);
    }

    /// <inheritdoc />
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Shuts the system down, then fails the test if unexpected dead letters were published before that.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        System.DeadLetters.Published -= OnDeadLetter;
        var leaked = DeadLettersSoFar;
        await System.ShutdownAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
        if (!_deadLettersExpected && leaked.Count > 0)
        {
            var shown = new List<string>();
            for (int i = 0; i < leaked.Count && i < 5; i++)
                shown.Add($"{leaked[i].Message.GetType().Name} to {leaked[i].Recipient?.Path.ToString() ?? "(none)"} ({leaked[i].Reason})");
            throw new XunitException($"{leaked.Count} unexpected dead letter(s): {string.Join("; ", shown)}. "
                + "Call ExpectDeadLetters() in a test that produces them on purpose.");
        }
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}
