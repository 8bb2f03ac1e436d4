using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SessionCluster.Actors.TestKit;

namespace SessionCluster.Actors.Tests;

public sealed class FailureLoggingTests : ActorTestKit
{
    private readonly CapturingLoggerFactory _logs;

    public FailureLoggingTests() : this(new CapturingLoggerFactory()) { }

    private FailureLoggingTests(CapturingLoggerFactory logs)
        : base(new ActorSystemOptions { GuardianStrategy = SupervisorStrategy.StoppingStrategy }, logs) => _logs = logs;

    [Fact]
    public void A_failure_is_logged_once_at_Warning_with_the_path_and_the_stop_at_Error()
    {
        var probe = CreateProbe<string>();
        var actor = System.Spawn(() => new LambdaActor<string>((_, message) => throw new TestFailureException(message)), "fragile");
        probe.Watch(actor);

        actor.Tell("boom");
        probe.ExpectTerminated(actor);

        var failures = _logs.Entries.Where(e => e.EventId == 1000).ToList();
        var failure = Assert.Single(failures);
        Assert.Equal(LogLevel.Warning, failure.Level);
        Assert.Contains("/user/fragile", failure.Message);
        Assert.IsType<TestFailureException>(failure.Exception);
        var stop = Assert.Single(_logs.Entries, e => e.EventId == 1001);
        Assert.Equal(LogLevel.Error, stop.Level);
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains("boom")); // the message's content is never logged, only its type
    }

    internal sealed record Entry(string Category, LogLevel Level, int EventId, string Message, Exception? Exception);

    internal sealed class CapturingLoggerFactory : ILoggerFactory
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, Entries);

        public void AddProvider(ILoggerProvider provider) { }

        public void Dispose() { }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new Entry(category, logLevel, eventId.Id, formatter(state, exception), exception));
    }
}
