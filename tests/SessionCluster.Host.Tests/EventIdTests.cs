using System.Reflection;
using Microsoft.Extensions.Logging;

namespace SessionCluster.Host.Tests;

public sealed class EventIdTests
{
    /// <summary>The range reserved in the summary of <c>HostLog.cs</c>.</summary>
    private const int First = 7000, Last = 7099;

    [Fact]
    public void Every_log_event_id_of_the_host_project_is_unique_and_inside_its_reserved_range()
    {
        var events = typeof(SessionCluster.Host.Logging.HostLog).Assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(method => (Method: $"{method.DeclaringType!.FullName}.{method.Name}", Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .Select(e => (e.Method, Id: e.Attribute!.EventId))
            .ToList();

        Assert.NotEmpty(events);
        var outside = events.Where(e => e.Id < First || e.Id > Last).Select(e => $"{e.Method} = {e.Id}");
        Assert.Empty(outside);
        var duplicates = events.GroupBy(e => e.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}");
        Assert.Empty(duplicates);
    }
}
