using SessionCluster.Edge.Webhooks;

namespace SessionCluster.Edge.Tests.Webhooks;

public sealed class WebhookOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_each_bad_setting_is_refused_by_its_name()
    {
        new EdgeOptions().Validate();
        foreach (var (options, key) in new (WebhookOptions, string)[]
        {
            (new() { MaxConcurrentDeliveries = 0 }, "MaxConcurrentDeliveries"),
            (new() { MaxConcurrentDeliveries = 10_001 }, "MaxConcurrentDeliveries"),
            (new() { RequestTimeout = TimeSpan.Zero }, "RequestTimeout"),
            (new() { RescanInterval = TimeSpan.FromSeconds(-1) }, "RescanInterval"),
        })
        {
            var refused = Assert.Throws<ArgumentException>(() => new EdgeOptions { Webhooks = options }.Validate());
            Assert.Contains($"SC:Edge:Webhooks:{key}", refused.Message, StringComparison.Ordinal);
        }
    }
}
