using Microsoft.Extensions.Logging;

namespace SessionCluster.Actors;

/// <summary>The runtime's own log lines, source-generated with stable event ids (1000–1099). Never logs message content.</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning, Message = "Actor {Path} failed while handling {MessageType}")]
    public static partial void ActorFailed(ILogger logger, Exception exception, string path, string messageType);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Supervisor of {Path} decided {Directive}: the actor stops")]
    public static partial void ActorStoppedBySupervisor(ILogger logger, Exception exception, string path, SupervisorDirective directive);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Actor {Path} exceeded {MaxRestarts} restarts within {Window}: the actor stops")]
    public static partial void RestartLimitExceeded(ILogger logger, Exception exception, string path, int maxRestarts, TimeSpan window);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Actor {Path} restarts after {Backoff}")]
    public static partial void ActorRestarting(ILogger logger, string path, TimeSpan backoff);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Actor {Path} escalates a child's failure to its own supervisor")]
    public static partial void Escalating(ILogger logger, string path);

    // Debug: an actor that stops itself and then throws has decided what the failure means and reports it
    // itself (PersistentActor logs its persist or recovery failure at Error), so the failure is logged once.
    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "Actor {Path} failed after it asked to stop itself; it stops without asking its supervisor")]
    public static partial void FailedWhileStopping(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "{Hook} of actor {Path} threw; the runtime continues")]
    public static partial void LifecycleHookFailed(ILogger logger, Exception exception, string hook, string path);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Debug, Message = "Dropped failing message {MessageType} of actor {Path}")]
    public static partial void FailingMessageDropped(ILogger logger, string messageType, string path);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Error, Message = "Supervisor decider of {Path} threw; the child is stopped")]
    public static partial void DeciderFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Dead letter {MessageType} to {Recipient}: {Reason}")]
    public static partial void DeadLetter(ILogger logger, string messageType, string recipient, string reason);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "{Recent} dead letters since the last summary ({Total} in total)")]
    public static partial void DeadLetterSummary(ILogger logger, long recent, long total);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Error, Message = "A dead-letter subscriber threw")]
    public static partial void DeadLetterHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Error, Message = "PipeTo of actor {Path}: the success or failure mapping threw; no message is sent")]
    public static partial void PipeToMappingFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Information, Message = "Actor system {Name} shutting down")]
    public static partial void ShutdownStarted(ILogger logger, string name);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Error, Message = "Actor system {Name} did not stop within {Timeout}; completing shutdown anyway")]
    public static partial void ShutdownTimedOut(ILogger logger, string name, TimeSpan timeout);

    [LoggerMessage(EventId = 1032, Level = LogLevel.Information, Message = "Actor system {Name} terminated")]
    public static partial void SystemTerminated(ILogger logger, string name);
}
