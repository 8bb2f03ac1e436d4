using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace SessionCluster.Protocol.Binary;

/// <summary>
/// Reads one node from a span, returning what Baileys' decoder returns (docs/PROTOCOL.md §4): strings for attribute
/// values and text, bytes for BINARY_* content. Every failure is a <see cref="BinaryFormatException"/>.
/// </summary>
/// <remarks>
/// Safety rules kept throughout: every length read from the input is compared with the bytes that remain
/// before anything is allocated or sliced; arrays for N entries are allocated only when the remaining input
/// could hold N entries of the smallest possible size; recursion (nodes, and JIDs nested in JIDs) is bounded
/// by <see cref="DecoderLimits.MaxDepth"/> and by a stack probe.
/// </remarks>
[SkipLocalsInit]
internal ref partial struct NodeReader
{
    // Smallest encodings: a child node is LIST_8 n tag (3 bytes), an attribute is key + value (2 bytes).
    private const int MinNodeBytes = 3;
    private const int MinAttributeBytes = 2;

    private readonly ReadOnlySpan<byte> _input;

    // When set, the same bytes as _input, owned by the caller for as long as the nodes live: byte
    // contents become slices of it instead of copies (Baileys returns views the same way).
    private readonly ReadOnlyMemory<byte> _shared;
    private readonly DecoderLimits _limits;
    private readonly int _reportedOffset;
    private int _position;
    private int _depth;

    /// <param name="input">The node body.</param>
    /// <param name="limits">Limits to enforce.</param>
    /// <param name="reportedOffset">Added to positions in errors, e.g. 1 when the body follows a frame's flag byte.</param>
    public NodeReader(ReadOnlySpan<byte> input, DecoderLimits limits, int reportedOffset)
        : this(input, default, limits, reportedOffset)
    {
    }

    /// <param name="shared">The input as memory the nodes may keep slices of; see <see cref="NodeDecoder.DecodeOwnedFrame"/>.</param>
    public NodeReader(ReadOnlyMemory<byte> shared, DecoderLimits limits, int reportedOffset)
        : this(shared.Span, shared, limits, reportedOffset)
    {
    }

    private NodeReader(ReadOnlySpan<byte> input, ReadOnlyMemory<byte> shared, DecoderLimits limits, int reportedOffset)
    {
        _input = input;
        _shared = shared;
        _limits = limits;
        _reportedOffset = reportedOffset;
        _position = 0;
        _depth = 0;
    }

    private readonly int Remaining => _input.Length - _position;

    /// <summary>Reads exactly one node and requires that it uses the whole input.</summary>
    public Node ReadRoot()
    {
        var node = ReadNode();
        if (_position != _input.Length)
        {
            throw Error($"{Remaining} bytes left over after the node", _position);
        }

        return node;
    }

    private Node ReadNode()
    {
        var start = _position;
        Enter(start);
        var size = ReadListSize(ReadByte());
        if (size == 0)
        {
            throw Error("node has list size 0", start);
        }

        var tag = ReadString(ReadByte());
        if (tag.Length == 0)
        {
            throw Error("node has an empty tag", start);
        }

        var attributes = ReadAttributes((size - 1) >> 1, start);
        Node node;
        if ((size & 1) != 0)
        {
            node = new Node(tag, attributes, NodeContentKind.None, null, default, [], 1);
        }
        else
        {
            node = ReadContent(tag, attributes);
        }

        _depth--;
        return node;
    }

    private NodeAttribute[] ReadAttributes(int count, int nodeStart)
    {
        if (count == 0)
        {
            return [];
        }

        if (count > Remaining / MinAttributeBytes)
        {
            throw Error($"{count} attributes cannot fit in the {Remaining} bytes left", _position);
        }

        var attributes = new NodeAttribute[count];
        for (var i = 0; i < attributes.Length; i++)
        {
            var key = ReadString(ReadByte());
            var value = ReadString(ReadByte());
            attributes[i] = new NodeAttribute(key, value);
        }

        // Baileys would keep the last value; a repeated key has no meaning, so we refuse it.
        if (AttributeKeys.FindDuplicate(attributes) is { } duplicate)
        {
            throw Error($"attribute '{duplicate}' appears twice", nodeStart);
        }

        return attributes;
    }

    private Node ReadContent(string tag, NodeAttribute[] attributes)
    {
        var contentStart = _position;
        var contentTag = ReadByte();
        switch (contentTag)
        {
            case BinaryTag.ListEmpty:
                return new Node(tag, attributes, NodeContentKind.Children, null, default, [], 1);
            case BinaryTag.List8:
            case BinaryTag.List16:
                var count = ReadListSize(contentTag);
                if (count > Remaining / MinNodeBytes)
                {
                    throw Error($"{count} children cannot fit in the {Remaining} bytes left", contentStart);
                }

                var children = new Node[count];
                var tallest = 0;
                for (var i = 0; i < children.Length; i++)
                {
                    var child = ReadNode();
                    children[i] = child;
                    tallest = Math.Max(tallest, child.Height);
                }

                return new Node(tag, attributes, NodeContentKind.Children, null, default, children, tallest + 1);
            case BinaryTag.Binary8:
            case BinaryTag.Binary20:
            case BinaryTag.Binary32:
                var length = ReadByteLength(contentTag);
                ReadOnlyMemory<byte> bytes = _shared.IsEmpty ? _input.Slice(_position, length).ToArray() : _shared.Slice(_position, length);
                _position += length;
                return new Node(tag, attributes, NodeContentKind.Bytes, null, bytes, [], 1);
            default:
                var text = ReadString(contentTag);
                return new Node(tag, attributes, NodeContentKind.Text, text, default, [], 1);
        }
    }

    private int ReadListSize(byte tag)
    {
        var at = _position - 1;
        int size;
        switch (tag)
        {
            case BinaryTag.ListEmpty:
                return 0;
            case BinaryTag.List8:
                size = ReadByte();
                break;
            case BinaryTag.List16:
                size = ReadUInt16();
                break;
            default:
                throw Error($"expected a list, found byte 0x{tag:X2}", at);
        }

        if (size > _limits.MaxListSize)
        {
            throw Error($"list size {size} exceeds MaxListSize {_limits.MaxListSize}", at);
        }

        return size;
    }

    /// <summary>Reads a BINARY_8/20/32 length and checks that many bytes remain.</summary>
    private int ReadByteLength(byte tag)
    {
        var at = _position - 1;
        long length = tag switch
        {
            BinaryTag.Binary8 => ReadByte(),
            // Both clients ignore the top nibble of a BINARY_20 length.
            BinaryTag.Binary20 => ((ReadByte() & 0x0F) << 16) | ReadUInt16(),
            _ => ((uint)ReadUInt16() << 16) | ReadUInt16(),
        };

        if (length > Remaining)
        {
            throw Error($"length {length} exceeds the {Remaining} bytes left", at);
        }

        return (int)length;
    }

    /// <summary>Reads a string whose first byte, <paramref name="tag"/>, has already been consumed.</summary>
    private string ReadString(byte tag)
    {
        if (tag < BinaryTag.Dictionary0)
        {
            // 1..235 are tokens; 0 (LIST_EMPTY) reads as "", which is exactly SingleByte[0].
            return Tokens.SingleByte[tag];
        }

        switch (tag)
        {
            case <= BinaryTag.Dictionary3:
                return ReadDoubleByteToken(tag);
            case BinaryTag.Binary8:
            case BinaryTag.Binary20:
            case BinaryTag.Binary32:
                var length = ReadByteLength(tag);
                // Invalid UTF-8 becomes U+FFFD, as Buffer.toString('utf-8') does in Baileys.
                var value = Encoding.UTF8.GetString(_input.Slice(_position, length));
                _position += length;
                return value;
            case BinaryTag.Nibble8:
            case BinaryTag.Hex8:
                var packed = ReadPacked(tag, out var charCount);
                return PackedString.ToString(packed, tag == BinaryTag.Nibble8, charCount);
            case BinaryTag.JidPair:
                return ReadJidPair();
            case BinaryTag.AdJid:
                return ReadAdJid();
            case BinaryTag.FbJid:
                return ReadFbJid();
            case BinaryTag.InteropJid:
                return ReadInteropJid();
            default:
                throw Error($"byte 0x{tag:X2} does not start a string", _position - 1);
        }
    }

    private string ReadDoubleByteToken(byte tag)
    {
        var dictionary = Tokens.DoubleByte[tag - BinaryTag.Dictionary0];
        var index = ReadByte();
        if (index >= dictionary.Length)
        {
            throw Error($"dictionary {tag - BinaryTag.Dictionary0} has no token {index}", _position - 2);
        }

        return dictionary[index];
    }

    /// <summary>Reads a packed string's header and bytes, checking length and nibble values.</summary>
    private ReadOnlySpan<byte> ReadPacked(byte tag, out int charCount)
    {
        var at = _position - 1;
        var header = ReadByte();
        var byteCount = header & 0x7F;
        if (byteCount > Remaining)
        {
            throw Error($"packed string of {byteCount} bytes exceeds the {Remaining} bytes left", at);
        }

        var packed = _input.Slice(_position, byteCount);
        var invalid = PackedString.FindInvalid(packed, tag == BinaryTag.Nibble8);
        if (invalid >= 0)
        {
            throw Error($"nibble byte 0x{packed[invalid]:X2} holds a value outside 0-9 - . and pad", _position + invalid);
        }

        _position += byteCount;
        charCount = PackedString.CharCount(header);
        return packed;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte ReadByte()
    {
        if ((uint)_position >= (uint)_input.Length)
        {
            ThrowEndOfInput(1);
        }

        return _input[_position++];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ushort ReadUInt16()
    {
        if (Remaining < 2)
        {
            ThrowEndOfInput(2);
        }

        var value = (ushort)((_input[_position] << 8) | _input[_position + 1]);
        _position += 2;
        return value;
    }

    /// <summary>Counts one level of nesting, refusing to go past the depth limit or near the end of the stack.</summary>
    private void Enter(int at)
    {
        if (++_depth > _limits.MaxDepth)
        {
            throw Error($"nesting exceeds MaxDepth {_limits.MaxDepth}", at);
        }

        // Probing the stack costs a little; every 8th level is often enough, as eight levels use a few KiB.
        if ((_depth & 7) == 0 && !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error("nesting too deep for the thread's stack", at);
        }
    }

    [DoesNotReturn]
    private readonly void ThrowEndOfInput(int needed) =>
        throw Error($"input ends where {needed} more byte(s) were expected", _position);

    private readonly BinaryFormatException Error(string message, int position) =>
        new(message, (long)_reportedOffset + position);
}
