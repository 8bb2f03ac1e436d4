using SessionCluster.Protocol.Binary;

namespace SessionCluster.Protocol.Tests.Binary;

/// <summary>The Node type: construction rules, structural equality, typed getters and their errors, the log form.</summary>
public sealed class NodeTests
{
    private static readonly Node Message = new(
        "message",
        [("from", "15551234567:2@s.whatsapp.net"), ("t", "1744381049"), ("count", "-3"), ("big", "9000000000"),
         ("offline", "true"), ("edit", "false"), ("bad", "abc"), ("type", "text")],
        [new Node("enc", [("v", "2")], new byte[] { 1, 2 }), new Node("enc", [("v", "3")]), new Node("meta")]);

    [Fact]
    public void Typed_getters_read_attributes()
    {
        Assert.Equal("text", Message.GetString("type"));
        Assert.Null(Message.GetOptionalString("missing"));
        Assert.Equal(Jid.Parse("15551234567:2@s.whatsapp.net"), Message.GetJid("from"));
        Assert.Null(Message.GetOptionalJid("participant"));
        Assert.Equal(1744381049, Message.GetInt("t"));
        Assert.Equal(-3, Message.GetOptionalInt("count"));
        Assert.Null(Message.GetOptionalInt("missing"));
        Assert.Equal(9_000_000_000L, Message.GetLong("big"));
        Assert.Null(Message.GetOptionalLong("missing"));
        Assert.True(Message.GetBool("offline"));
        Assert.False(Message.GetBool("edit"));
    }

    [Fact]
    public void Child_getters_find_by_tag()
    {
        Assert.Equal("2", Message.GetChild("enc").GetString("v"));
        Assert.Null(Message.GetOptionalChild("participants"));
        Assert.Equal(["2", "3"], Message.GetChildren("enc").Select(c => c.GetString("v")));
        Assert.Empty(Message.GetChildren("nothing"));
        Assert.Empty(new Node("iq", null, "text").GetChildren("enc"));
    }

    [Theory]
    [InlineData("missing", "<message> has no attribute 'missing'.")]
    public void Missing_attribute_errors_name_node_and_attribute(string key, string message)
    {
        foreach (var read in new Action[] { () => Message.GetString(key), () => Message.GetJid(key), () => Message.GetInt(key), () => Message.GetLong(key), () => Message.GetBool(key) })
        {
            var error = Assert.Throws<NodeAttributeException>(read);
            Assert.Equal("message", error.NodeTag);
            Assert.Equal(key, error.AttributeName);
            Assert.Equal(message, error.Message);
        }
    }

    [Fact]
    public void Malformed_attribute_errors_name_node_and_attribute_but_not_the_value()
    {
        var errors = new[]
        {
            Assert.Throws<NodeAttributeException>(() => Message.GetJid("bad")),
            Assert.Throws<NodeAttributeException>(() => Message.GetOptionalJid("t")),
            Assert.Throws<NodeAttributeException>(() => Message.GetInt("big")),
            Assert.Throws<NodeAttributeException>(() => Message.GetOptionalInt("bad")),
            Assert.Throws<NodeAttributeException>(() => Message.GetLong("bad")),
            Assert.Throws<NodeAttributeException>(() => Message.GetOptionalLong("from")),
            Assert.Throws<NodeAttributeException>(() => Message.GetBool("t")),
        };

        Assert.All(errors, error =>
        {
            Assert.Equal("message", error.NodeTag);
            Assert.Contains($"'{error.AttributeName}' of <message> is not", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("15551234567", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("9000000000", error.Message, StringComparison.Ordinal);
        });
        Assert.Equal(["bad", "t", "big", "bad", "bad", "from", "t"], errors.Select(e => e.AttributeName));
    }

    [Fact]
    public void Missing_child_error_names_node_and_child()
    {
        var error = Assert.Throws<NodeAttributeException>(() => Message.GetChild("participants"));
        Assert.Equal("message", error.NodeTag);
        Assert.Equal("participants", error.AttributeName);
        Assert.Equal("<message> has no child <participants>.", error.Message);
    }

    [Fact]
    public void Bool_accepts_only_true_and_false()
    {
        Assert.Throws<NodeAttributeException>(() => new Node("x", [("b", "True")]).GetBool("b"));
        Assert.Throws<NodeAttributeException>(() => new Node("x", [("b", "1")]).GetBool("b"));
    }

    [Fact]
    public void Constructors_reject_what_cannot_be_a_node()
    {
        Assert.Throws<ArgumentException>(() => new Node(string.Empty));
        Assert.Throws<ArgumentNullException>(() => new Node(null!));
        Assert.Throws<ArgumentException>(() => new Node("x", [("a", "1"), ("b", "2"), ("a", "3")]));
        Assert.Throws<ArgumentException>(() => new Node("x", Enumerable.Range(0, 20).Select(i => new NodeAttribute("k" + (i % 19), "v"))));
        Assert.Throws<ArgumentException>(() => new Node("x", [new NodeAttribute("a", null!)]));
        Assert.Throws<ArgumentException>(() => new Node("x", [new NodeAttribute(null!, "v")]));
        Assert.Throws<ArgumentNullException>(() => new Node("x", null, (string)null!));
        Assert.Throws<ArgumentNullException>(() => new Node("x", null, (IReadOnlyList<Node>)null!));
        Assert.Throws<ArgumentException>(() => new Node("x", null, [new Node("y"), null!]));
        Assert.Throws<ArgumentException>(() => new Node("x", null, Enumerable.Repeat(new Node("y"), Node.MaxChildren + 1).ToList()));

        var most = Enumerable.Range(0, Node.MaxAttributes).Select(i => new NodeAttribute("k" + i, "v")).ToList();
        Assert.Equal(Node.MaxAttributes, new Node("x", most).Attributes.Count); // 2n+1 = 65535 fits without content
        Assert.Throws<ArgumentException>(() => new Node("x", most, "text")); // 2n+2 does not
        most.Add(new NodeAttribute("one-more", "v"));
        Assert.Throws<ArgumentException>(() => new Node("x", most));
    }

    [Fact]
    public void Nesting_is_bounded_by_MaxHeight()
    {
        var node = new Node("leaf");
        for (var i = 1; i < Node.MaxHeight; i++)
        {
            node = new Node("n", null, [node]);
        }

        Assert.Throws<ArgumentException>(() => new Node("n", null, [node]));
    }

    [Fact]
    public void Nodes_copy_what_they_are_given()
    {
        var bytes = new byte[] { 1, 2, 3 };
        var attributes = new List<NodeAttribute> { new("a", "1") };
        var children = new List<Node> { new("c") };
        var withBytes = new Node("x", attributes, bytes);
        var withChildren = new Node("x", attributes, children);
        bytes[0] = 9;
        attributes.Add(new NodeAttribute("b", "2"));
        children.Add(new Node("d"));

        Assert.Equal(1, withBytes.Bytes.Span[0]);
        Assert.Single(withBytes.Attributes);
        Assert.Single(withChildren.Children);
    }

    [Fact]
    public void Content_properties_follow_the_content_kind()
    {
        var none = new Node("x");
        Assert.Equal((NodeContentKind.None, (string?)null, 0, 0), (none.ContentKind, none.Text, none.Bytes.Length, none.Children.Count));
        var text = new Node("x", null, "t");
        Assert.Equal((NodeContentKind.Text, "t", 0, 0), (text.ContentKind, text.Text, text.Bytes.Length, text.Children.Count));
        var bytes = new Node("x", null, new byte[2]);
        Assert.Equal((NodeContentKind.Bytes, (string?)null, 2, 0), (bytes.ContentKind, bytes.Text, bytes.Bytes.Length, bytes.Children.Count));
        var children = new Node("x", null, [none]);
        Assert.Equal((NodeContentKind.Children, (string?)null, 0, 1), (children.ContentKind, children.Text, children.Bytes.Length, children.Children.Count));
    }

    [Fact]
    public void Equality_is_structural()
    {
        static Node Build(string order) => order == "ab"
            ? new Node("iq", [("a", "1"), ("b", "2")], [new Node("enc", null, new byte[] { 1, 2 }), new Node("ping", null, "x")])
            : new Node("iq", [("b", "2"), ("a", "1")], [new Node("enc", null, new byte[] { 1, 2 }), new Node("ping", null, "x")]);

        Assert.Equal(Build("ab"), Build("ab"));
        Assert.True(Build("ab") == Build("ab"));
        Assert.Equal(Build("ab").GetHashCode(), Build("ab").GetHashCode());
        Assert.NotEqual(Build("ab"), Build("ba")); // attribute order is part of the node
        Assert.True(Build("ab") != Build("ba"));

        Assert.NotEqual(new Node("x"), new Node("x", null, Array.Empty<Node>()));
        Assert.NotEqual(new Node("x", null, "ab"), new Node("x", null, "ab"u8.ToArray()));
        Assert.NotEqual(new Node("x", null, new byte[] { 1 }), new Node("x", null, new byte[] { 2 }));
        Assert.NotEqual(new Node("x", null, [new Node("a")]), new Node("x", null, [new Node("b")]));
        Assert.NotEqual(new Node("x", null, [new Node("a")]), new Node("x", null, [new Node("a"), new Node("a")]));
        Assert.NotEqual(new Node("x"), new Node("y"));
        Assert.False(new Node("x").Equals(null));
        Assert.False(new Node("x").Equals((object)"x"));
        Assert.True((Node?)null == null);
    }

    [Fact]
    public void ToString_renders_xml_with_truncated_hex_bytes()
    {
        var iq = new Node("iq", [("id", "1.2-3"), ("to", "@s.whatsapp.net"), ("type", "get"), ("xmlns", "w:p")], [new Node("ping")]);
        Assert.Equal("<iq id=\"1.2-3\" to=\"@s.whatsapp.net\" type=\"get\" xmlns=\"w:p\"><ping/></iq>", iq.ToString());
        Assert.Equal("<enc v=\"2\">010203</enc>", new Node("enc", [("v", "2")], new byte[] { 1, 2, 3 }).ToString());
        Assert.Equal("<a q=\"&lt;&amp;&quot;&gt;\">x &lt; y</a>", new Node("a", [("q", "<&\">")], "x < y").ToString());
        Assert.Equal("<list></list>", new Node("list", null, Array.Empty<Node>()).ToString());

        var long_ = new Node("enc", null, Enumerable.Range(0, 100).Select(i => (byte)i).ToArray()).ToString();
        Assert.Equal("<enc>" + Convert.ToHexStringLower(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()) + "…(100 bytes)</enc>", long_);
    }

    [Fact]
    public void Attributes_convert_from_tuples()
    {
        NodeAttribute attribute = ("id", "1");
        Assert.Equal(new NodeAttribute("id", "1"), attribute);
    }
}
