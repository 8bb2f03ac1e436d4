using SessionCluster.TestSupport;

namespace SessionCluster.Host.Tests;

public sealed class EventIdTests
{
    // 7000–7099: the range reserved in the summary of HostLog.cs.
    [Fact]
    public void Every_log_event_id_of_the_host_project_is_unique_and_inside_its_reserved_range() =>
        LogEventIds.AssertUniqueWithin(typeof(SessionCluster.Host.Logging.HostLog).Assembly, 7000, 7099);
}
