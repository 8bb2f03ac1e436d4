using Microsoft.Extensions.Logging;

namespace SessionCluster.Actors;

/// <summary><c>Context.Log</c>: the actor type's logger with the actor's path in a scope around every entry.</summary>
internal sealed class ActorLogger(ILogger inner, ActorCell cell) : ILogger
{
    private string? _path;

    private string Path => _path ??= cell.Path.ToString();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel)) return;
        using (inner.BeginScope(new ActorScope(Path)))
            inner.Log(logLevel, eventId, state, exception, formatter);
    }

    /// <summary>Scope state readable as structured data (ActorPath) or as text.</summary>
    private sealed class ActorScope(string path) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? new("ActorPath", path) : throw new ArgumentOutOfRangeException(nameof(index));

        public int Count => 1;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "ActorPath:" + path;
    }
}
