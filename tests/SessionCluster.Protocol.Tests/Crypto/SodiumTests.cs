using System.Runtime.InteropServices;
using SessionCluster.Protocol.Crypto;

namespace SessionCluster.Protocol.Tests.Crypto;

public sealed class SodiumTests
{
    [Fact]
    public void Libsodium_is_the_NuGet_package_build_1_0_22()
    {
        Sodium.EnsureLoaded();

        // Read from the package's runtimes/linux-x64/native/libsodium.so; Debian 12's libsodium23 says 1.0.18, 10.3.
        Assert.Equal("1.0.22", Marshal.PtrToStringUTF8(Sodium.sodium_version_string()));
        Assert.Equal(26, Sodium.sodium_library_version_major());
        Assert.Equal(4, Sodium.sodium_library_version_minor());
    }

    [Fact]
    public void Libsodium_is_loaded_from_the_build_output_and_no_other_copy_is_mapped()
    {
        Sodium.EnsureLoaded();

        var expected = Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", "libsodium.so");
        Assert.Equal(Path.GetFullPath(expected), Sodium.LoadedFrom);
        if (OperatingSystem.IsLinux())
        {
            // What the kernel says this process has mapped, not what the resolver believes it loaded.
            var mapped = File.ReadLines("/proc/self/maps")
                .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields.Length == 6 && Path.GetFileName(fields[5]).StartsWith("libsodium", StringComparison.Ordinal))
                .Select(fields => fields[5])
                .Distinct()
                .ToList();
            Assert.Equal([Sodium.LoadedFrom], mapped);
        }
    }

    [Fact]
    public void The_library_is_looked_for_only_by_absolute_path_including_the_app_base_directory()
    {
        var candidates = Sodium.PackageCandidates();

        Assert.All(candidates, candidate => Assert.True(Path.IsPathFullyQualified(candidate), candidate));
        Assert.Contains(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "libsodium.so")), candidates);
    }

    [Fact]
    public void When_no_candidate_loads_the_error_names_the_runtime_identifier_and_every_path_tried()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-dir-{Guid.NewGuid():N}", "libsodium.so");
        var notALibrary = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<SodiumUnavailableException>(() => Sodium.Load([missing, notALibrary]));

            Assert.Equal(RuntimeInformation.RuntimeIdentifier, error.RuntimeIdentifier);
            Assert.Contains($"runtime '{RuntimeInformation.RuntimeIdentifier}'", error.Message, StringComparison.Ordinal);
            Assert.Contains($"{missing} (not found)", error.Message, StringComparison.Ordinal);
            Assert.Contains(notALibrary, error.Message, StringComparison.Ordinal);
            Assert.Equal(2, error.Tried.Count);
            Assert.DoesNotContain("apt-get", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notALibrary);
        }
    }
}
