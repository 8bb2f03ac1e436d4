using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;

namespace SessionCluster.Protocol.Tests.Stanzas;

public sealed class IqErrorCodeTests
{
    [Fact]
    public void An_error_written_as_a_node_reads_back_from_its_iq()
    {
        var iq = new Node("iq", [("type", "error"), ("id", "1")], [IqErrorCode.FeatureNotImplemented.ToNode()]);

        Assert.True(IqErrorCode.TryRead(iq, out var error));
        Assert.Equal(IqErrorCode.FeatureNotImplemented, error);
    }

    [Fact]
    public void A_result_or_an_error_without_a_numeric_code_is_not_read()
    {
        Assert.False(IqErrorCode.TryRead(new Node("iq", [("type", "result"), ("id", "1")]), out _));
        Assert.False(IqErrorCode.TryRead(new Node("iq", [("type", "error"), ("id", "1")], [new Node("error", [("code", "x4")])]), out _));
    }
}
