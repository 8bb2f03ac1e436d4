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

    [Fact]
    public void Tls_is_off_by_default_and_tls_port_implies_tls()
    {
        var parsed = CommandLine.Parse([]);
        Assert.False(parsed.Options.Tls);

        parsed = CommandLine.Parse(["--tls", "--port", "5123"]);
        Assert.True(parsed.Options.Tls);
        Assert.Equal(0, parsed.Options.TlsPort);
        Assert.Equal(["http://127.0.0.1:5123"], parsed.Options.Urls);

        parsed = CommandLine.Parse(["--tls-port", "5443"]);
        Assert.True(parsed.Options.Tls);
        Assert.Equal(5443, parsed.Options.TlsPort);
    }

    [Theory]
    [InlineData("--tls-port")]
    [InlineData("--tls-port", "-1")]
    [InlineData("--tls-port", "65536")]
    [InlineData("--tls", "yes")]
    [InlineData("--port")]
    [InlineData("--port", "70000")]
    [InlineData("--urls", "ftp://x")]
    [InlineData("--bogus")]
    public void Bad_arguments_are_refused(params string[] args) =>
        Assert.Throws<CommandLineException>(() => CommandLine.Parse(args));
}
