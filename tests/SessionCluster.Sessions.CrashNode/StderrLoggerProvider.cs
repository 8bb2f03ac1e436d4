using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.CrashNode;

/// <summary>Writes the session's log lines at <paramref name="minimum"/> and above to stderr (stdout carries the protocol).</summary>
internal sealed class StderrLoggerProvider(LogLevel minimum) : ILoggerProvider
{
    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => new StderrLogger(this, categoryName, minimum);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string category, EventId id, string message, Exception? exception)
    {
        lock (_gate)
        {
            Console.Error.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {level} {category}[{id.Id}] {message}{(exception is null ? "" : " " + exception)}");
        }
    }

    private sealed class StderrLogger(StderrLoggerProvider provider, string category, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, eventId, formatter(state, exception), exception);
            }
        }
    }
}
