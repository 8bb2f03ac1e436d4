using SessionCluster.Protocol.Binary;

namespace SessionCluster.Protocol.Tests.Binary;

/// <summary>
/// Deterministic random nodes that exercise every string form: tokens, nibble and hex strings, every JID form,
/// raw UTF-8, byte content of every length class. Text content is drawn only from forms that decode back as
/// text (a raw string in content position decodes as bytes, in both clients), so generated nodes round-trip.
/// </summary>
internal sealed class NodeGenerator(int seed)
{
    private static readonly string[] SomeTokens = ["iq", "s.whatsapp.net", "type", "id", "get", "w:p", "message", "dirty", "read-self", "4", "100", "lid", "g.us", "status", "xmlstreamend"];

    private readonly Random _random = new(seed);

    public Node Next(int maxDepth = 4) => Node(0, maxDepth);

    /// <summary>Any string the encoder may see, except a non-canonical ":0" device (which reads back without it).</summary>
    public string AnyString() => _random.Next(12) switch
    {
        0 => SomeTokens[_random.Next(SomeTokens.Length)],
        1 => Digits(_random.Next(1, 140)),
        2 => Hex(_random.Next(1, 140)),
        3 => Hex(_random.Next(1, 30)).ToLowerInvariant(),
        4 => string.Empty,
        5 => "héllo ✓ " + _random.Next(),
        6 => new string('x', _random.Next(250, 300)),
        7 or 8 => Jid(),
        9 => $"{Digits(_random.Next(1, 8))}@example.com",
        10 => $"{Digits(_random.Next(1, 8))}_{_random.Next(1, 300)}@{Server()}",
        _ => "1.2-3." + Digits(_random.Next(1, 5)),
    };

    /// <summary>A string that decodes back as text in content position: token, packed or JID.</summary>
    public string TextString() => _random.Next(4) switch
    {
        0 => SomeTokens[_random.Next(SomeTokens.Length)],
        1 => Digits(_random.Next(2, 128)),
        2 => Hex(_random.Next(2, 128)),
        _ => Jid(),
    };

    /// <summary>A strict JID string in canonical form, of any server and shape.</summary>
    public string Jid()
    {
        var user = Digits(_random.Next(1, 16));
        return _random.Next(7) switch
        {
            0 => $"{user}@{Server()}",
            1 => $"{user}:{_random.Next(1, 256)}@{JidServer.WhatsApp}",
            2 => $"{user}_{_random.Next(2, 128)}:{_random.Next(1, 256)}@{JidServer.WhatsApp}",
            3 => $"{user}:{_random.Next(1, 256)}@{(_random.Next(3) switch { 0 => JidServer.Lid, 1 => JidServer.Hosted, _ => JidServer.HostedLid })}",
            4 => $"{user}:{_random.Next(0, 65536)}@{JidServer.Messenger}",
            5 => $"{_random.Next(0, 65536)}-{user}:{_random.Next(0, 65536)}@{JidServer.Interop}",
            _ => $"@{Server()}",
        };
    }

    public byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private Node Node(int depth, int maxDepth)
    {
        var count = _random.Next(0, 6);
        var attributes = new List<NodeAttribute>(count);
        for (var i = 0; i < count; i++)
        {
            var key = _random.Next(3) == 0 ? SomeTokens[_random.Next(SomeTokens.Length)] : "k" + i;
            if (!attributes.Exists(a => a.Key == key))
            {
                attributes.Add(new NodeAttribute(key, AnyString()));
            }
        }

        var tag = _random.Next(4) == 0 ? AnyString() : SomeTokens[_random.Next(SomeTokens.Length)];
        if (tag.Length == 0)
        {
            tag = "x";
        }

        switch (_random.Next(depth >= maxDepth ? 3 : 5))
        {
            case 0:
                return new Node(tag, attributes);
            case 1:
                return new Node(tag, attributes, TextString());
            case 2:
                return new Node(tag, attributes, Bytes(_random.Next(3) == 0 ? _random.Next(250, 600) : _random.Next(0, 40)));
            default:
                var children = new Node[_random.Next(0, 5)];
                for (var i = 0; i < children.Length; i++)
                {
                    children[i] = Node(depth + 1, maxDepth);
                }

                return new Node(tag, attributes, children);
        }
    }

    private string Server() => _random.Next(12) switch
    {
        0 => JidServer.WhatsApp,
        1 => JidServer.Group,
        2 => JidServer.Broadcast,
        3 => JidServer.Lid,
        4 => JidServer.Newsletter,
        5 => JidServer.LegacyUser,
        6 => JidServer.Call,
        7 => JidServer.Hosted,
        8 => JidServer.HostedLid,
        9 => JidServer.Messenger,
        10 => JidServer.Bot,
        _ => JidServer.Group,
    };

    private string Digits(int length) => Chars(length, "0123456789");

    private string Hex(int length) => Chars(length, "0123456789ABCDEF");

    private string Chars(int length, string alphabet)
    {
        var chars = new char[length];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[_random.Next(alphabet.Length)];
        }

        return new string(chars);
    }
}
