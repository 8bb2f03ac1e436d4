using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SessionCluster.Edge.Media;

namespace SessionCluster.Edge.Tests.Media;

public sealed class MediaFetchOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_each_bad_setting_is_refused_by_its_name()
    {
        var defaults = new MediaFetchOptions();
        defaults.Validate();
        Assert.Equal(104_857_600, defaults.MaxBytes);
        Assert.Equal(TimeSpan.FromSeconds(60), defaults.Timeout);
        Assert.False(defaults.AllowPrivateNetworks);
        Assert.Equal(3, defaults.MaxRedirects);
        foreach (var (options, key) in new (MediaFetchOptions, string)[]
        {
            (new() { MaxBytes = 0 }, "MaxBytes"),
            (new() { MaxBytes = MediaFetchOptions.MaxBytesLimit + 1 }, "MaxBytes"),
            (new() { Timeout = TimeSpan.Zero }, "Timeout"),
            (new() { Timeout = TimeSpan.FromDays(2) }, "Timeout"),
            (new() { MaxRedirects = -1 }, "MaxRedirects"),
            (new() { MaxRedirects = 11 }, "MaxRedirects"),
        })
        {
            var refused = Assert.Throws<ArgumentException>(options.Validate);
            Assert.Contains($"SC:Edge:Media:{key}", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_options_bind_from_their_configuration_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SC:Edge:Media:MaxBytes"] = "1048576",
            ["SC:Edge:Media:Timeout"] = "00:00:15",
            ["SC:Edge:Media:AllowPrivateNetworks"] = "true",
            ["SC:Edge:Media:MaxRedirects"] = "0",
        }).Build();
        var options = configuration.GetSection(MediaFetchOptions.Section).Get<MediaFetchOptions>()!;
        Assert.Equal(new MediaFetchOptions { MaxBytes = 1_048_576, Timeout = TimeSpan.FromSeconds(15), AllowPrivateNetworks = true, MaxRedirects = 0 }, options);
    }

    // 7600–7699: the range reserved for media by link in the summary of MediaLog.cs.
    [Fact]
    public void Every_media_log_event_id_is_unique_and_inside_7600_to_7699()
    {
        var ids = typeof(MediaFetcher).Assembly.GetType("SessionCluster.Edge.Media.MediaLog")!
            .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>()?.EventId)
            .OfType<int>()
            .ToList();
        Assert.Equal(3, ids.Count);
        Assert.All(ids, id => Assert.InRange(id, 7600, 7699));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
