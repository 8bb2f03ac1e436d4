namespace SessionCluster.Simulator.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void Port_data_and_urls_are_read()
    {
        var parsed = CommandLine.Parse(["--port", "5123", "--data", "/tmp/sim"]);
        Assert.Equal(["http://127.0.0.1:5123"], parsed.Options.Urls);
        Assert.Equal("/tmp/sim", parsed.Options.DataFolder);

        parsed = CommandLine.Parse(["--urls", "http://0.0.0.0:80;http://127.0.0.1:81"]);
        Assert.Equal(["http://0.0.0.0:80", "http://127.0.0.1:81"], parsed.Options.Urls);
        Assert.Null(parsed.Options.DataFolder);
    }

    [Theory]
    [InlineData("--port")]
    [InlineData("--port", "70000")]
    [InlineData("--urls", "ftp://x")]
    [InlineData("--bogus")]
    public void Bad_arguments_are_refused(params string[] args) =>
        Assert.Throws<CommandLineException>(() => CommandLine.Parse(args));
}
