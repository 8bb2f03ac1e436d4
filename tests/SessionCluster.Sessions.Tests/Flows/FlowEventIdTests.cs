using System.Reflection;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Sessions.Tests.Flows;

public sealed class FlowEventIdTests
{
    [Fact]
    public void The_flows_log_events_keep_to_1200_to_1299()
    {
        var ids = typeof(SessionActor).Assembly.GetType("SessionCluster.Sessions.Flows.LinkingLog")!
            .GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId)
            .ToList();

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.InRange(id, 1200, 1299));
    }
}
