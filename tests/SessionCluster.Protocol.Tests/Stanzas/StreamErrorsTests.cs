using SessionCluster.Protocol.Stanzas;

namespace SessionCluster.Protocol.Tests.Stanzas;

public sealed class StreamErrorsTests
{
    [Fact]
    public void A_coded_stream_error_carries_only_its_code()
    {
        var node = StreamErrors.WithCode(StreamErrors.RestartRequired);

        Assert.Equal("stream:error", node.Tag);
        Assert.Equal("515", node.GetString("code"));
        Assert.Empty(node.Children);
    }

    [Fact]
    public void Device_removed_is_a_logged_out_code_with_its_conflict_type()
    {
        var node = StreamErrors.DeviceRemoved();

        Assert.Equal("401", node.GetString("code"));
        Assert.Equal("device_removed", node.GetChild("conflict").GetString("type"));
    }

    [Fact]
    public void Replaced_has_no_code_and_a_replaced_conflict()
    {
        var node = StreamErrors.Replaced();

        Assert.Null(node.GetOptionalString("code"));
        Assert.Equal("replaced", node.GetChild("conflict").GetString("type"));
    }
}
