using SessionCluster.TestSupport;

namespace SessionCluster.Persistence.Tests;

public sealed class EventIdTests
{
    // 5000–5099: the range reserved in the summary of PersistenceLog.cs.
    [Fact]
    public void Every_log_event_id_of_the_persistence_project_is_unique_and_inside_its_reserved_range() =>
        LogEventIds.AssertUniqueWithin(typeof(PersistenceLog).Assembly, 5000, 5099);
}
