using SessionCluster.TestSupport;

namespace SessionCluster.Sessions.Tests;

public sealed class EventIdTests
{
    [Fact]
    public void Every_log_event_id_of_the_sessions_project_is_unique_and_inside_its_reserved_range() =>
        LogEventIds.AssertUniqueWithin(typeof(SessionsEventIds).Assembly, SessionsEventIds.First, SessionsEventIds.Last);
}
