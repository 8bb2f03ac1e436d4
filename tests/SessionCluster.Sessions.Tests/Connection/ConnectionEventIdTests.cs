using System.Reflection;
using Microsoft.Extensions.Logging;
using SessionCluster.Sessions.Connection;
using SessionCluster.TestSupport;

namespace SessionCluster.Sessions.Tests.Connection;

public sealed class ConnectionEventIdTests
{
    [Fact]
    public void Every_log_event_id_of_the_sessions_project_is_unique_and_inside_its_reserved_range() =>
        LogEventIds.AssertUniqueWithin(typeof(SessionsEventIds).Assembly, SessionsEventIds.First, SessionsEventIds.Last);

    [Fact]
    public void The_connections_log_events_keep_to_1100_to_1199()
    {
        var ids = typeof(ConnectionActor).Assembly.GetType("SessionCluster.Sessions.Connection.ConnectionLog")!
            .GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId)
            .ToList();

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.InRange(id, 1100, 1199));
    }
}
