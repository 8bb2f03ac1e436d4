using Akka.Event;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Persistence;

/// <summary>
/// The storage layer logs through Microsoft.Extensions.Logging (its source-generated <see cref="PersistenceLog"/>);
/// under Akka those lines go to the ActorSystem's log, and from there to whatever logger the node configured.
/// </summary>
internal sealed class AkkaLogger(ILoggingAdapter log) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel switch
    {
        Microsoft.Extensions.Logging.LogLevel.Trace or Microsoft.Extensions.Logging.LogLevel.Debug => log.IsDebugEnabled,
        Microsoft.Extensions.Logging.LogLevel.Information => log.IsInfoEnabled,
        Microsoft.Extensions.Logging.LogLevel.Warning => log.IsWarningEnabled,
        Microsoft.Extensions.Logging.LogLevel.None => false,
        _ => log.IsErrorEnabled,
    };

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var message = $"[{eventId.Id}] {formatter(state, exception)}";
        switch (logLevel)
        {
            case Microsoft.Extensions.Logging.LogLevel.Trace or Microsoft.Extensions.Logging.LogLevel.Debug:
                log.Debug(exception, message);
                break;
            case Microsoft.Extensions.Logging.LogLevel.Information:
                log.Info(exception, message);
                break;
            case Microsoft.Extensions.Logging.LogLevel.Warning:
                log.Warning(exception, message);
                break;
            default:
                log.Error(exception, message);
                break;
        }
    }
}
