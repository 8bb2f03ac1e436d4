using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Stanzas;

namespace SessionCluster.Protocol.Tests.Stanzas;

public sealed class PreKeyBundleNodeTests
{
    private static readonly PreKeyBundle WithOneTimeKey = new(
        0x01020304,
        Filled(32, 1),
        0x0A0B0C,
        Filled(32, 2),
        Filled(64, 3),
        0x010203,
        Filled(32, 4));

    [Fact]
    public void A_bundle_built_as_a_node_parses_back_to_the_same_keys()
    {
        var node = PreKeyBundleNode.Build(Jid.Parse("15550000001:2@s.whatsapp.net"), WithOneTimeKey);
        var parsed = PreKeyBundleNode.Parse(node);

        Assert.Equal("15550000001:2@s.whatsapp.net", node.GetString("jid"));
        Assert.Equal(WithOneTimeKey.RegistrationId, parsed.RegistrationId);
        Assert.Equal(WithOneTimeKey.IdentityKey.ToArray(), parsed.IdentityKey.ToArray());
        Assert.Equal(WithOneTimeKey.SignedPreKeyId, parsed.SignedPreKeyId);
        Assert.Equal(WithOneTimeKey.SignedPreKey.ToArray(), parsed.SignedPreKey.ToArray());
        Assert.Equal(WithOneTimeKey.SignedPreKeySignature.ToArray(), parsed.SignedPreKeySignature.ToArray());
        Assert.Equal(WithOneTimeKey.PreKeyId, parsed.PreKeyId);
        Assert.Equal(WithOneTimeKey.PreKey!.Value.ToArray(), parsed.PreKey!.Value.ToArray());
    }

    [Fact]
    public void The_wire_layout_is_big_endian_registration_type_5_and_3_byte_ids()
    {
        var node = PreKeyBundleNode.Build(Jid.Parse("15550000001@s.whatsapp.net"), WithOneTimeKey);

        Assert.Equal(["registration", "type", "identity", "skey", "key"], node.Children.Select(c => c.Tag));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, node.GetChild("registration").Bytes.ToArray());
        Assert.Equal(new byte[] { 5 }, node.GetChild("type").Bytes.ToArray());
        Assert.Equal(new byte[] { 0x0A, 0x0B, 0x0C }, node.GetChild("skey").GetChild("id").Bytes.ToArray());
        Assert.Equal(new byte[] { 1, 2, 3 }, node.GetChild("key").GetChild("id").Bytes.ToArray());
    }

    [Fact]
    public void A_bundle_without_a_one_time_key_has_no_key_child()
    {
        var bundle = WithOneTimeKey with { PreKeyId = null, PreKey = null };

        var node = PreKeyBundleNode.Build(Jid.Parse("15550000001@s.whatsapp.net"), bundle);
        var parsed = PreKeyBundleNode.Parse(node);

        Assert.Null(node.GetOptionalChild("key"));
        Assert.Null(parsed.PreKeyId);
        Assert.Null(parsed.PreKey);
    }

    [Fact]
    public void A_missing_child_a_short_key_or_another_key_type_is_a_format_error()
    {
        var node = PreKeyBundleNode.Build(Jid.Parse("15550000001@s.whatsapp.net"), WithOneTimeKey);

        Assert.Throws<FormatException>(() => PreKeyBundleNode.Parse(Without(node, "skey")));
        Assert.Throws<FormatException>(() => PreKeyBundleNode.Parse(Replaced(node, new Node("identity", null, Filled(31, 1)))));
        Assert.Throws<FormatException>(() => PreKeyBundleNode.Parse(Replaced(node, new Node("type", null, new byte[] { 6 }))));
    }

    private static byte[] Filled(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    private static Node Without(Node user, string tag) => new(user.Tag, user.Attributes, [.. user.Children.Where(c => c.Tag != tag)]);

    private static Node Replaced(Node user, Node child) =>
        new(user.Tag, user.Attributes, [.. user.Children.Select(c => c.Tag == child.Tag ? child : c)]);
}
