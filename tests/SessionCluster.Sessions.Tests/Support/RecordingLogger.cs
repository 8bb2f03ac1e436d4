using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>Keeps every log entry's event id and level, so tests can count how often something was logged.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(EventId Id, LogLevel Level, string Message)> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((eventId, logLevel, formatter(state, exception)));

    public int Count(int eventId) => _entries.Count(e => e.Id.Id == eventId);
}
