using System.Reflection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace SessionCluster.TestSupport;

/// <summary>The check every project's log has: each source-generated event id unique and inside the project's reserved range.</summary>
public static class LogEventIds
{
    public static void AssertUniqueWithin(Assembly assembly, int first, int last)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var events = assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(method => (Method: $"{method.DeclaringType!.FullName}.{method.Name}", Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .Select(e => (e.Method, Id: e.Attribute!.EventId))
            .ToList();

        Assert.NotEmpty(events);
        Assert.Empty(events.Where(e => e.Id < first || e.Id > last).Select(e => $"{e.Method} = {e.Id}"));
        Assert.Empty(events.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}"));
    }
}
