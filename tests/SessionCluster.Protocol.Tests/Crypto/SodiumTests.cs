using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Tests.Crypto;

public sealed class SodiumTests
{
    [Fact]
    public void Libsodium_loads_from_the_Debian_package_on_this_machine()
    {
        Sodium.EnsureLoaded();
    }

    [Fact]
    public void The_error_for_a_missing_libsodium_names_the_package_to_install()
    {
        var error = new SodiumUnavailableException(new DllNotFoundException("libsodium"));

        Assert.Contains("apt-get install libsodium23", error.Message, StringComparison.Ordinal);
        Assert.IsType<DllNotFoundException>(error.InnerException);
    }
}
