using SessionCluster.Sessions.Connection;

namespace SessionCluster.Sessions.Tests.Connection;

/// <summary>Reading and showing a proxy setting: the URI forms, the typed errors, and a password that never shows.</summary>
public sealed class ProxySettingsTests
{
    [Theory]
    [InlineData("socks5://user:pass@proxy.example:1080", ProxyKind.Socks5, "proxy.example", 1080, "user", "pass")]
    [InlineData("http://user:pass@10.0.0.5:3128", ProxyKind.HttpConnect, "10.0.0.5", 3128, "user", "pass")]
    [InlineData("socks5://127.0.0.1:9050", ProxyKind.Socks5, "127.0.0.1", 9050, null, null)]
    [InlineData("http://proxy.example:80", ProxyKind.HttpConnect, "proxy.example", 80, null, null)]
    [InlineData("SOCKS5://only-user@[::1]:1080/", ProxyKind.Socks5, "::1", 1080, "only-user", "")]
    [InlineData("socks5://us%40er:p%3Aa%2Fss%40@proxy.example:1080", ProxyKind.Socks5, "proxy.example", 1080, "us@er", "p:a/ss@")]
    public void A_proxy_URI_reads_as_kind_host_port_and_credentials(string text, ProxyKind kind, string host, int port, string? username, string? password)
    {
        var proxy = ProxySettings.Parse(text);

        Assert.Equal((kind, host, port, username, password), (proxy.Kind, proxy.Host, proxy.Port, proxy.Username, proxy.Password));
    }

    [Theory]
    [InlineData("proxy.example:1080", ProxySettingsError.UnsupportedScheme)]
    [InlineData("not a uri", ProxySettingsError.Malformed)]
    [InlineData("https://proxy.example:443", ProxySettingsError.UnsupportedScheme)]
    [InlineData("socks4://proxy.example:1080", ProxySettingsError.UnsupportedScheme)]
    [InlineData("socks5://proxy.example", ProxySettingsError.BadPort)]
    [InlineData("http://user:secret-pw@proxy.example", ProxySettingsError.BadPort)]
    [InlineData("socks5://proxy.example:0", ProxySettingsError.BadPort)]
    [InlineData("socks5://proxy.example:1080/path", ProxySettingsError.Malformed)]
    [InlineData("socks5://:secret-pw@proxy.example:1080", ProxySettingsError.BadCredentials)]
    [InlineData("http://us%3Aer:secret-pw@proxy.example:3128", ProxySettingsError.BadCredentials)]
    public void A_bad_proxy_URI_is_a_typed_error_that_never_repeats_the_password(string text, ProxySettingsError error)
    {
        var thrown = Assert.Throws<ProxySettingsException>(() => ProxySettings.Parse(text));

        Assert.Equal(error, thrown.Error);
        Assert.DoesNotContain("secret-pw", thrown.Message, StringComparison.Ordinal);
        Assert.False(ProxySettings.TryParse(text, out var none, out var failed));
        Assert.Null(none);
        Assert.Equal(error, failed!.Error);
    }

    [Fact]
    public void SOCKS5_credentials_longer_than_255_bytes_are_refused()
    {
        var thrown = Assert.Throws<ProxySettingsException>(() => new ProxySettings(ProxyKind.Socks5, "proxy.example", 1080, "user", new string('p', 256)));

        Assert.Equal(ProxySettingsError.BadCredentials, thrown.Error);
    }

    [Fact]
    public void ToString_and_every_printed_form_show_the_user_but_never_the_password()
    {
        var proxy = ProxySettings.Parse("socks5://operator:hunter2-secret@proxy.example:1080");
        var options = new SessionOptions("SessionCluster", "Chrome", onlineOnConnect: true) { Proxy = proxy };

        Assert.Equal("socks5://operator@proxy.example:1080", proxy.ToString());
        Assert.Equal("http://10.0.0.5:3128", ProxySettings.Parse("http://10.0.0.5:3128").ToString());
        Assert.Equal("proxy.example:1080", proxy.Endpoint);
        Assert.DoesNotContain("hunter2", $"{proxy} {options} {new SessionCommands.SetProxy(new SessionId("alice"), proxy)}", StringComparison.Ordinal);
        Assert.Equal("hunter2-secret", proxy.Password);
    }
}
