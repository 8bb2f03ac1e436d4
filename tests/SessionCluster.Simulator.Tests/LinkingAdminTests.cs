using SessionCluster.Simulator.Linking;

namespace SessionCluster.Simulator.Tests;

public sealed class LinkingAdminTests
{
    [Fact]
    public void Every_link_failure_has_a_client_or_gateway_error_status()
    {
        foreach (var reason in Enum.GetValues<LinkFailureReason>())
        {
            var (status, title) = LinkingAdmin.Problem(reason);
            Assert.True(status is >= 400 and < 500 or 504, $"{reason} -> {status}");
            Assert.False(string.IsNullOrEmpty(title));
        }
    }
}
