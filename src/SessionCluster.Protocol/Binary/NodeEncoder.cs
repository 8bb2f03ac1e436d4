using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace SessionCluster.Protocol.Binary;

/// <summary>
/// Writes nodes in WhatsApp's binary-XML format (docs/PROTOCOL.md §4), byte for byte as Baileys does wherever Baileys'
/// own encoding is lossless. Where Baileys would lose information (it treats any string containing '@' as a
/// JID) this encoder picks a lossless form instead; each such choice is commented where it is made.
/// </summary>
/// <remarks>
/// Writes straight into the caller's <see cref="IBufferWriter{T}"/>; apart from what that writer allocates,
/// encoding allocates nothing. Every <see cref="Node"/> can be encoded: its constructors already reject what the
/// format cannot express (too many attributes or children), and no .NET string or byte block can exceed BINARY_32.
/// </remarks>
[SkipLocalsInit]
public static class NodeEncoder
{
    private static readonly SearchValues<char> NibbleChars = SearchValues.Create("0123456789-.");
    private static readonly SearchValues<char> HexChars = SearchValues.Create("0123456789ABCDEF");

    /// <summary>Writes the node body (no frame flag byte).</summary>
    public static void Write(Node node, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(writer);
        var sink = new ByteSink(writer);
        WriteNode(ref sink, node);
        sink.Flush();
    }

    /// <summary>Writes what a client sends: the flag byte 0x00 (uncompressed) followed by the node.</summary>
    public static void WriteFrame(Node node, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(writer);
        var sink = new ByteSink(writer);
        sink.WriteByte(0);
        WriteNode(ref sink, node);
        sink.Flush();
    }

    /// <summary>The flag byte and the encoded node as a new array.</summary>
    public static byte[] EncodeFrame(Node node)
    {
        using var buffer = new PooledByteBuffer(1024);
        WriteFrame(node, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNode(ref ByteSink sink, Node node)
    {
        var attributes = node.AttributeSpan;
        var hasContent = node.ContentKind != NodeContentKind.None;
        WriteListStart(ref sink, (2 * attributes.Length) + 1 + (hasContent ? 1 : 0));
        WriteString(ref sink, node.Tag);
        foreach (var attribute in attributes)
        {
            WriteString(ref sink, attribute.Key);
            WriteString(ref sink, attribute.Value);
        }

        switch (node.ContentKind)
        {
            case NodeContentKind.Text:
                WriteString(ref sink, node.Text);
                break;
            case NodeContentKind.Bytes:
                var bytes = node.Bytes.Span;
                WriteByteLength(ref sink, bytes.Length);
                sink.WriteBytes(bytes);
                break;
            case NodeContentKind.Children:
                var children = node.ChildSpan;
                WriteListStart(ref sink, children.Length);
                foreach (var child in children)
                {
                    WriteNode(ref sink, child);
                }

                break;
        }
    }

    private static void WriteListStart(ref ByteSink sink, int size)
    {
        if (size == 0)
        {
            sink.WriteByte(BinaryTag.ListEmpty);
        }
        else if (size < 256)
        {
            sink.WriteBytes(BinaryTag.List8, (byte)size);
        }
        else
        {
            var span = sink.Reserve(3);
            span[0] = BinaryTag.List16;
            span[1] = (byte)(size >> 8);
            span[2] = (byte)size;
            sink.Advance(3);
        }
    }

    /// <summary>The string rules, in Baileys' order: empty, token, nibble, hex, JID, raw.</summary>
    private static void WriteString(ref ByteSink sink, ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            // Baileys writes "" raw (FC 00); whatsmeow would write an empty nibble string. We follow Baileys.
            sink.WriteBytes(BinaryTag.Binary8, 0);
            return;
        }

        if (TokenMap.TryGetCode(value, out var code))
        {
            if (code > byte.MaxValue)
            {
                sink.WriteBytes((byte)(code >> 8), (byte)code);
            }
            else
            {
                sink.WriteByte((byte)code);
            }

            return;
        }

        if (value.Length <= PackedString.MaxChars)
        {
            if (!value.ContainsAnyExcept(NibbleChars))
            {
                WritePacked(ref sink, value, BinaryTag.Nibble8);
                return;
            }

            // Only uppercase hex: lowercase would not survive the round trip, Baileys checks the same way.
            if (!value.ContainsAnyExcept(HexChars))
            {
                WritePacked(ref sink, value, BinaryTag.Hex8);
                return;
            }
        }

        if (value.Contains('@') && TryWriteJid(ref sink, value))
        {
            return;
        }

        WriteRaw(ref sink, value);
    }

    private static void WritePacked(ref ByteSink sink, ReadOnlySpan<char> value, byte tag)
    {
        var length = 1 + PackedString.EncodedLength(value.Length);
        var span = sink.Reserve(length);
        span[0] = tag;
        PackedString.Pack(value, span[1..]);
        sink.Advance(length);
    }

    private static void WriteRaw(ref ByteSink sink, ReadOnlySpan<char> value)
    {
        // Lone surrogates become U+FFFD (EF BF BD), as Buffer.from(str, 'utf-8') does in Baileys.
        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteByteLength(ref sink, byteCount);
        var written = Encoding.UTF8.GetBytes(value, sink.Reserve(byteCount));
        sink.Advance(written);
    }

    private static void WriteByteLength(ref ByteSink sink, int length)
    {
        if (length < 256)
        {
            sink.WriteBytes(BinaryTag.Binary8, (byte)length);
        }
        else if (length < 1 << 20)
        {
            var span = sink.Reserve(4);
            span[0] = BinaryTag.Binary20;
            span[1] = (byte)((length >> 16) & 0x0F);
            span[2] = (byte)(length >> 8);
            span[3] = (byte)length;
            sink.Advance(4);
        }
        else
        {
            var span = sink.Reserve(5);
            span[0] = BinaryTag.Binary32;
            span[1] = (byte)(length >> 24);
            span[2] = (byte)(length >> 16);
            span[3] = (byte)(length >> 8);
            span[4] = (byte)length;
            sink.Advance(5);
        }
    }

    private static void WriteUInt16(ref ByteSink sink, ushort value) => sink.WriteBytes((byte)(value >> 8), (byte)value);

    /// <summary>
    /// Writes <paramref name="value"/> in a JID form when that form decodes back to the same string (or, for an
    /// explicit <c>:0</c> device, to the same JID, as in Baileys). Returns false to have the caller write it raw.
    /// </summary>
    private static bool TryWriteJid(ref ByteSink sink, ReadOnlySpan<char> value)
    {
        // Baileys' jidDecode takes any string with '@' as a JID and loses parts of some; we take only strict JIDs.
        // Not strict (unknown server "alice@example.com", device "x:abc@s.whatsapp.net", user "a_b@s.whatsapp.net",
        // device 70000, ...): raw, which every decoder reads back unchanged.
        if (JidSyntax.TryParse(value, out var jid) is not null)
        {
            return false;
        }

        var server = jid.Server;
        if (ReferenceEquals(server, JidServer.Interop))
        {
            // Baileys never writes INTEROP_JID (it would write AD_JID and lose server and integrator); whatsmeow does.
            sink.WriteByte(BinaryTag.InteropJid);
            WriteString(ref sink, jid.User);
            WriteUInt16(ref sink, jid.Device);
            WriteUInt16(ref sink, jid.Integrator);
            WriteString(ref sink, server);
            return true;
        }

        if (!jid.HasDevice)
        {
            if (jid.Agent != 0)
            {
                // "user_5@s.whatsapp.net": Baileys writes JID_PAIR of "user" and drops the agent. Raw keeps it.
                return false;
            }

            sink.WriteByte(BinaryTag.JidPair);
            if (jid.User.IsEmpty)
            {
                sink.WriteByte(BinaryTag.ListEmpty);
            }
            else
            {
                WriteString(ref sink, jid.User);
            }

            WriteString(ref sink, server);
            return true;
        }

        if (ReferenceEquals(server, JidServer.Messenger) && jid.Agent == 0)
        {
            // "user:3@msgr": Baileys writes AD_JID, which reads back as @s.whatsapp.net. FB_JID keeps the server.
            sink.WriteByte(BinaryTag.FbJid);
            WriteString(ref sink, jid.User);
            WriteUInt16(ref sink, jid.Device);
            WriteString(ref sink, server);
            return true;
        }

        int domain;
        if (ReferenceEquals(server, JidServer.WhatsApp))
        {
            // The agent rides in the domain byte, but 1, 128 and 129 would read back as lid/hosted/hosted.lid.
            domain = jid.Agent;
            if (domain is BinaryTag.DomainLid or BinaryTag.DomainHosted or BinaryTag.DomainHostedLid)
            {
                return false;
            }
        }
        else
        {
            domain = server switch
            {
                JidServer.Lid => BinaryTag.DomainLid,
                JidServer.Hosted => BinaryTag.DomainHosted,
                JidServer.HostedLid => BinaryTag.DomainHostedLid,
                // A device on g.us, broadcast, c.us, ...: AD_JID has no room for the server. Raw.
                _ => -1,
            };

            // An agent on lid/hosted has no room either: the domain byte already names the server. Raw.
            if (domain < 0 || jid.Agent != 0)
            {
                return false;
            }
        }

        if (jid.Device > byte.MaxValue)
        {
            // AD_JID's device is one byte; Baileys truncates "user:300@s.whatsapp.net" to device 44. Raw.
            return false;
        }

        var span = sink.Reserve(3);
        span[0] = BinaryTag.AdJid;
        span[1] = (byte)domain;
        span[2] = (byte)jid.Device;
        sink.Advance(3);
        WriteString(ref sink, jid.User);
        return true;
    }
}
