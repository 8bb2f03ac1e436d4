using System.Reflection;
using Microsoft.Extensions.Logging;
using SessionCluster.TestSupport;

namespace SessionCluster.Sessions.Tests;

/// <summary>
/// The project's log event ids are unique within 1000–1999 (<see cref="SessionsEventIds"/>), and each room keeps to
/// its hundred, so a line's id says where it comes from.
/// </summary>
public sealed class EventIdTests
{
    [Fact]
    public void Every_log_event_id_of_the_sessions_project_is_unique_and_inside_its_reserved_range() =>
        LogEventIds.AssertUniqueWithin(typeof(SessionsEventIds).Assembly, SessionsEventIds.First, SessionsEventIds.Last);

    [Theory]
    [InlineData("SessionCluster.Sessions.Connection.ConnectionLog", 1100, 1199)]
    [InlineData("SessionCluster.Sessions.Flows.LinkingLog", 1200, 1299)]
    [InlineData("SessionCluster.Sessions.Flows.SessionEndLog", 1220, 1239)]
    [InlineData("SessionCluster.Sessions.Flows.ProxyLog", 1260, 1269)]
    [InlineData("SessionCluster.Sessions.Flows.CodePairingLog", 1240, 1259)]
    [InlineData("SessionCluster.Sessions.State.SessionStateLog", 1500, 1599)]
    [InlineData("SessionCluster.Sessions.Flows.CapabilitiesLog", 1600, 1699)]
    [InlineData("SessionCluster.Sessions.Polls.PollsLog", 1800, 1899)]
    public void Each_rooms_log_events_keep_to_its_range(string logClass, int first, int last)
    {
        var ids = typeof(SessionsEventIds).Assembly.GetType(logClass, throwOnError: true)!
            .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId)
            .ToList();

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.InRange(id, first, last));
    }
}
