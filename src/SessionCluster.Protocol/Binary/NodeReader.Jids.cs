using System.Globalization;
using System.Runtime.CompilerServices;

namespace SessionCluster.Protocol.Binary;

// The four JID forms, each read into the string Baileys' decoder returns. A component that is a packed string
// is unpacked into a stack buffer, so the finished JID string is the only allocation. A component may itself be
// a JID (Baileys writes "a@b@c" that way); that nesting counts against MaxDepth like nested nodes.
internal ref partial struct NodeReader
{
    /// <summary>
    /// Reads a JID component. Packed strings are unpacked into <paramref name="scratch"/> and their length
    /// returned with a null <paramref name="text"/>; any other form is returned in <paramref name="text"/>.
    /// </summary>
    private int ReadJidPart(scoped Span<char> scratch, out string? text)
    {
        var tag = ReadByte();
        if (tag is BinaryTag.Nibble8 or BinaryTag.Hex8)
        {
            var packed = ReadPacked(tag, out var charCount);
            PackedString.Unpack(packed, tag == BinaryTag.Nibble8, scratch[..charCount]);
            text = null;
            return charCount;
        }

        text = ReadString(tag);
        return text.Length;
    }

    /// <summary>JID_PAIR: user (LIST_EMPTY for none), server → "user@server".</summary>
    private string ReadJidPair()
    {
        var start = _position - 1;
        Enter(start);
        Span<char> userChars = stackalloc char[PackedString.MaxUnpackedChars];
        Span<char> serverChars = stackalloc char[PackedString.MaxUnpackedChars];
        var userLength = ReadJidPart(userChars, out var userText);
        var serverLength = ReadJidPart(serverChars, out var serverText);
        ReadOnlySpan<char> user = userText is null ? userChars[..userLength] : userText;
        ReadOnlySpan<char> server = serverText is null ? serverChars[..serverLength] : serverText;
        if (server.IsEmpty)
        {
            throw Error("JID pair has an empty server", start);
        }

        _depth--;
        return string.Concat(user, "@", server);
    }

    /// <summary>AD_JID: domain byte, device byte, user → "user[_agent][:device]@server".</summary>
    private string ReadAdJid()
    {
        var start = _position - 1;
        Enter(start);
        var domain = ReadByte();
        var device = ReadByte();
        Span<char> userChars = stackalloc char[PackedString.MaxUnpackedChars];
        var userLength = ReadJidPart(userChars, out var userText);
        ReadOnlySpan<char> user = userText is null ? userChars[..userLength] : userText;
        var (server, agent) = domain switch
        {
            BinaryTag.DomainWhatsApp => (JidServer.WhatsApp, (byte)0),
            BinaryTag.DomainLid => (JidServer.Lid, (byte)0),
            BinaryTag.DomainHosted => (JidServer.Hosted, (byte)0),
            BinaryTag.DomainHostedLid => (JidServer.HostedLid, (byte)0),
            // Any other domain byte is an agent on s.whatsapp.net. Baileys drops it; we keep it as "user_agent".
            _ => (JidServer.WhatsApp, domain),
        };

        _depth--;
        var parts = new AdJidParts(user, agent, device, server);
        return string.Create(parts.Length, parts, static (chars, p) => p.Format(chars));
    }

    /// <summary>FB_JID: user, device u16, server → "user:device@server", device 0 included, as Baileys prints it.</summary>
    private string ReadFbJid() => ReadWideDeviceJid(interop: false);

    /// <summary>INTEROP_JID: user, device u16, integrator u16, server → "integrator-user:device@server".</summary>
    private string ReadInteropJid() => ReadWideDeviceJid(interop: true);

    // FB_JID and INTEROP_JID differ only in the integrator between device and server, and its prefix in the text.
    private string ReadWideDeviceJid(bool interop)
    {
        var start = _position - 1;
        Enter(start);
        Span<char> userChars = stackalloc char[PackedString.MaxUnpackedChars];
        Span<char> serverChars = stackalloc char[PackedString.MaxUnpackedChars];
        var userLength = ReadJidPart(userChars, out var userText);
        var device = ReadUInt16();
        var integrator = interop ? ReadUInt16() : 0;

        // Baileys falls back to "interop" when an interop server cannot be read; whatsmeow requires it, and so do we.
        var serverLength = ReadJidPart(serverChars, out var serverText);
        ReadOnlySpan<char> user = userText is null ? userChars[..userLength] : userText;
        ReadOnlySpan<char> server = serverText is null ? serverChars[..serverLength] : serverText;
        if (server.IsEmpty)
        {
            throw Error(interop ? "interop JID has an empty server" : "FB JID has an empty server", start);
        }

        _depth--;
        var text = new DefaultInterpolatedStringHandler(3, 4, CultureInfo.InvariantCulture, stackalloc char[128]);
        if (interop)
        {
            text.AppendFormatted(integrator);
            text.AppendLiteral("-");
        }

        text.AppendFormatted(user);
        text.AppendLiteral(":");
        text.AppendFormatted(device);
        text.AppendLiteral("@");
        text.AppendFormatted(server);
        return text.ToStringAndClear();
    }

    /// <summary>An AD_JID's pieces, formatted straight into the result string (device 0 left out, as Baileys does).</summary>
    private readonly ref struct AdJidParts(ReadOnlySpan<char> user, byte agent, byte device, string server)
    {
        private readonly ReadOnlySpan<char> _user = user;

        public int Length =>
            _user.Length
            + (agent == 0 ? 0 : 1 + DigitCount(agent))
            + (device == 0 ? 0 : 1 + DigitCount(device))
            + 1 + server.Length;

        public void Format(Span<char> chars)
        {
            _user.CopyTo(chars);
            var at = _user.Length;
            if (agent != 0)
            {
                chars[at++] = '_';
                at += WriteDigits(agent, chars[at..]);
            }

            if (device != 0)
            {
                chars[at++] = ':';
                at += WriteDigits(device, chars[at..]);
            }

            chars[at++] = '@';
            server.CopyTo(chars[at..]);
        }

        private static int DigitCount(byte value) => value < 10 ? 1 : value < 100 ? 2 : 3;

        private static int WriteDigits(byte value, Span<char> chars)
        {
            var count = DigitCount(value);
            for (var i = count - 1; i >= 0; i--)
            {
                chars[i] = (char)('0' + (value % 10));
                value /= 10;
            }

            return count;
        }
    }
}
