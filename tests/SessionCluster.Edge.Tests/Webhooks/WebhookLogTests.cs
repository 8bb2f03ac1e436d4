using System.Reflection;
using Microsoft.Extensions.Logging;
using SessionCluster.Edge.Webhooks;

namespace SessionCluster.Edge.Tests.Webhooks;

public sealed class WebhookLogTests
{
    // 7200–7299: the range reserved for webhooks in the summary of WebhookLog.cs.
    [Fact]
    public void Every_webhook_log_event_id_is_unique_and_inside_7200_to_7299()
    {
        var ids = typeof(WebhookWorker).Assembly.GetType("SessionCluster.Edge.Webhooks.WebhookLog")!
            .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>()?.EventId)
            .OfType<int>()
            .ToList();
        Assert.True(ids.Count >= 10, $"only {ids.Count} log methods found");
        Assert.All(ids, id => Assert.InRange(id, 7200, 7299));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
