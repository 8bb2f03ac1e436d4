namespace SessionCluster.Actors.TestKit;

/// <summary>Defaults of the TestKit. CI runs on two busy cores, so waits are generous; assertions never measure speed.</summary>
public static class TestKitDefaults
{
    /// <summary>How long an Expect* waits when no timeout is given (outside <c>Within</c>). Default 3 s.
    /// Can be raised for a slow machine with the environment variable <c>SC_TESTKIT_TIMEOUT_SECONDS</c>.</summary>
    public static TimeSpan ExpectTimeout { get; set; } = ReadFromEnvironment();

    private static TimeSpan ReadFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable("SC_TESTKIT_TIMEOUT_SECONDS");
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(3);
    }
}
