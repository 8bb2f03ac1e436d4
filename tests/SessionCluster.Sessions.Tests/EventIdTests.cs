using SessionCluster.Sessions.State;
using SessionCluster.TestSupport;

namespace SessionCluster.Sessions.Tests;

public sealed class EventIdTests
{
    [Fact]
    // The project's range is 1000–1999; the state's own events take 1500–1599 (SessionStateLog).
    public void The_sessions_log_events_are_unique_and_within_the_projects_range() =>
        LogEventIds.AssertUniqueWithin(typeof(SessionStateLog).Assembly, 1000, 1999);
}
