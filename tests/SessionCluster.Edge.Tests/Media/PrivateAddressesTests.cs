using System.Net;
using SessionCluster.Edge.Media;

namespace SessionCluster.Edge.Tests.Media;

public sealed class PrivateAddressesTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.0.9", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("172.15.255.255", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("100.127.255.255", true)]
    [InlineData("100.128.0.1", false)]
    [InlineData("0.0.0.0", true)]
    [InlineData("0.1.2.3", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("93.184.216.34", false)]
    [InlineData("::1", true)]
    [InlineData("::", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("64:ff9b::a01:203", true)]
    [InlineData("64:ff9b::808:808", false)]
    [InlineData("2002:a00:1::1", true)]
    [InlineData("2002:808:808::1", false)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("fc00::1", true)]
    [InlineData("ff02::1", true)]
    [InlineData("2001:4860:4860::8888", false)]
    [InlineData("2606:4700:4700::1111", false)]
    public void An_address_is_private_unless_it_is_public_unicast(string address, bool expected) =>
        Assert.Equal(expected, PrivateAddresses.IsPrivate(IPAddress.Parse(address)));
}
