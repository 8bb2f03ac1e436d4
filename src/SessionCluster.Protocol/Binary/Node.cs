namespace SessionCluster.Protocol.Binary;

/// <summary>
/// One element of WhatsApp's binary XML: a tag, ordered string attributes, and optional content that is
/// text, bytes, or child nodes. Immutable; equality is structural.
/// </summary>
/// <remarks>
/// Constructors copy what they are given (attributes, children, bytes), so a node never changes after it is
/// built. They also reject what the wire format cannot express (see <see cref="MaxAttributes"/> and
/// <see cref="MaxChildren"/>), so every node can be encoded. Nesting is limited to <see cref="MaxHeight"/>
/// levels so that every recursive walk (encoding, equality, hashing, printing) is bounded.
/// </remarks>
public sealed partial class Node : IEquatable<Node>
{
    /// <summary>The deepest tree a node may root. Far beyond any real stanza; it only keeps recursion bounded.</summary>
    public const int MaxHeight = 512;

    /// <summary>
    /// Most attributes a node can have: the wire's list size, 2 × attributes + 1 (+ 1 with content), must fit in
    /// 16 bits, so a node with content can have one fewer.
    /// </summary>
    public const int MaxAttributes = (ushort.MaxValue - 1) / 2;

    /// <summary>Most children a node can have: LIST_16 holds at most 65535.</summary>
    public const int MaxChildren = ushort.MaxValue;

    private readonly NodeAttribute[] _attributes;
    private readonly Node[] _children;
    private int _hash;

    /// <summary>A node without content.</summary>
    public Node(string tag, IEnumerable<NodeAttribute>? attributes = null)
        : this(tag, CopyAttributes(attributes, hasContent: false), NodeContentKind.None, null, default, [], 1)
    {
        ValidateTag(tag);
    }

    /// <summary>A node whose content is a list of children (possibly empty, which differs from no content).</summary>
    public Node(string tag, IEnumerable<NodeAttribute>? attributes, IReadOnlyList<Node> children)
        : this(tag, CopyAttributes(attributes, hasContent: true), NodeContentKind.Children, null, default, CopyChildren(children, out var height), height)
    {
        ValidateTag(tag);
    }

    /// <summary>A node whose content is raw bytes. The bytes are copied.</summary>
    public Node(string tag, IEnumerable<NodeAttribute>? attributes, ReadOnlyMemory<byte> bytes)
        : this(tag, CopyAttributes(attributes, hasContent: true), NodeContentKind.Bytes, null, bytes.ToArray(), [], 1)
    {
        ValidateTag(tag);
    }

    /// <summary>A node whose content is a string.</summary>
    public Node(string tag, IEnumerable<NodeAttribute>? attributes, string text)
        : this(tag, CopyAttributes(attributes, hasContent: true), NodeContentKind.Text, text ?? throw new ArgumentNullException(nameof(text)), default, [], 1)
    {
        ValidateTag(tag);
    }

    /// <summary>Trusted constructor: takes ownership of the arrays without copying or checking (the decoder validated them).</summary>
    internal Node(string tag, NodeAttribute[] attributes, NodeContentKind kind, string? text, ReadOnlyMemory<byte> bytes, Node[] children, int height)
    {
        Tag = tag;
        _attributes = attributes;
        ContentKind = kind;
        Text = text;
        Bytes = bytes;
        _children = children;
        Height = height;
    }

    /// <summary>The element name; never empty.</summary>
    public string Tag { get; }

    /// <summary>Attributes in insertion (wire) order; keys are unique.</summary>
    public IReadOnlyList<NodeAttribute> Attributes => _attributes;

    /// <summary>Which of <see cref="Text"/>, <see cref="Bytes"/> or <see cref="Children"/> holds the content.</summary>
    public NodeContentKind ContentKind { get; }

    /// <summary>The string content when <see cref="ContentKind"/> is <see cref="NodeContentKind.Text"/>, else null.</summary>
    public string? Text { get; }

    /// <summary>The byte content when <see cref="ContentKind"/> is <see cref="NodeContentKind.Bytes"/>, else empty.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The children when <see cref="ContentKind"/> is <see cref="NodeContentKind.Children"/>, else empty.</summary>
    public IReadOnlyList<Node> Children => _children;

    /// <summary>1 for a leaf, otherwise 1 + the height of the tallest child.</summary>
    internal int Height { get; }

    internal ReadOnlySpan<NodeAttribute> AttributeSpan => _attributes;

    internal ReadOnlySpan<Node> ChildSpan => _children;

    /// <inheritdoc/>
    public bool Equals(Node? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null
            || ContentKind != other.ContentKind
            || !string.Equals(Tag, other.Tag, StringComparison.Ordinal)
            || !AttributeSpan.SequenceEqual(other.AttributeSpan)
            || (_hash != 0 && other._hash != 0 && _hash != other._hash))
        {
            return false;
        }

        return ContentKind switch
        {
            NodeContentKind.Text => string.Equals(Text, other.Text, StringComparison.Ordinal),
            NodeContentKind.Bytes => Bytes.Span.SequenceEqual(other.Bytes.Span),
            NodeContentKind.Children => ChildrenEqual(_children, other._children),
            _ => true,
        };
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Node);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        // Computed once: the node is immutable. 0 means "not yet computed", so a real 0 is nudged to 1.
        if (_hash == 0)
        {
            var hash = default(HashCode);
            hash.Add(Tag, StringComparer.Ordinal);
            hash.Add(ContentKind);
            foreach (var attribute in _attributes)
            {
                hash.Add(attribute.Key, StringComparer.Ordinal);
                hash.Add(attribute.Value, StringComparer.Ordinal);
            }

            switch (ContentKind)
            {
                case NodeContentKind.Text:
                    hash.Add(Text, StringComparer.Ordinal);
                    break;
                case NodeContentKind.Bytes:
                    hash.AddBytes(Bytes.Span);
                    break;
                case NodeContentKind.Children:
                    foreach (var child in _children)
                    {
                        hash.Add(child.GetHashCode());
                    }

                    break;
            }

            var value = hash.ToHashCode();
            _hash = value == 0 ? 1 : value;
        }

        return _hash;
    }

    public static bool operator ==(Node? left, Node? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(Node? left, Node? right) => !(left == right);

    private static bool ChildrenEqual(Node[] a, Node[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!a[i].Equals(b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static void ValidateTag(string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
    }

    private static NodeAttribute[] CopyAttributes(IEnumerable<NodeAttribute>? attributes, bool hasContent)
    {
        if (attributes is null)
        {
            return [];
        }

        var copy = attributes.ToArray();
        if ((2 * copy.Length) + 1 + (hasContent ? 1 : 0) > ushort.MaxValue)
        {
            throw new ArgumentException($"Too many attributes ({copy.Length}) to encode.", nameof(attributes));
        }

        for (var i = 0; i < copy.Length; i++)
        {
            var (key, value) = copy[i];
            if (key is null || value is null)
            {
                throw new ArgumentException($"Attribute #{i} has a null key or value.", nameof(attributes));
            }

        }

        if (AttributeKeys.FindDuplicate(copy) is { } duplicate)
        {
            throw new ArgumentException($"Duplicate attribute '{duplicate}'.", nameof(attributes));
        }

        return copy;
    }

    private static Node[] CopyChildren(IReadOnlyList<Node> children, out int height)
    {
        ArgumentNullException.ThrowIfNull(children);
        if (children.Count > MaxChildren)
        {
            throw new ArgumentException($"A node can have at most {MaxChildren} children.", nameof(children));
        }

        var copy = new Node[children.Count];
        var tallest = 0;
        for (var i = 0; i < copy.Length; i++)
        {
            var child = children[i] ?? throw new ArgumentException($"Child #{i} is null.", nameof(children));
            copy[i] = child;
            tallest = Math.Max(tallest, child.Height);
        }

        height = tallest + 1;
        if (height > MaxHeight)
        {
            throw new ArgumentException($"Nodes may nest at most {MaxHeight} levels.", nameof(children));
        }

        return copy;
    }
}
