using SessionCluster.TestSupport;

namespace SessionCluster.Simulator.Tests;

public sealed class EventIdTests
{
    [Fact]
    public void Every_log_event_id_of_the_simulator_is_unique_and_inside_its_reserved_range() =>
        LogEventIds.AssertUniqueWithin(typeof(SimulatorEventIds).Assembly, SimulatorEventIds.First, SimulatorEventIds.Last);
}
