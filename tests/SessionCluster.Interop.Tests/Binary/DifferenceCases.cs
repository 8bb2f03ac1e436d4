using SessionCluster.Protocol.Binary;

namespace SessionCluster.Interop.Tests.Binary;

/// <summary>One string our encoder writes differently from Baileys, and the documented reason.</summary>
public sealed record DifferenceCase(string Input, BinaryDifference Expected)
{
    /// <summary>The probe node the case is tested and documented with: <c>&lt;item jid=Input/&gt;</c>.</summary>
    public Node Node { get; } = new("item", [new NodeAttribute("jid", Input)]);

    public override string ToString() => Input;
}

/// <summary>
/// The dedicated difference set: strings Baileys mangles or writes in a form we do not, one or more
/// per <see cref="BinaryDifference"/>. Each row of the table in docs/BINARY-INTEROP.md is one of these.
/// </summary>
public static class DifferenceCases
{
    /// <summary>
    /// The frame prefix of every probe: flag 00, LIST_8 of 3, "item" (token 0x3F), "jid" (token 0x0C).
    /// What follows is the attribute value, the only part that differs.
    /// </summary>
    public static ReadOnlySpan<byte> ProbePrefix => [0x00, 0xF8, 0x03, 0x3F, 0x0C];

    public static IReadOnlyList<DifferenceCase> All { get; } =
    [
        new("a@example.com", BinaryDifference.UnknownServer),
        new("15551234567:4@example.com", BinaryDifference.UnknownServer),
        new("a@b@c", BinaryDifference.UnknownServer),
        new("trailing@", BinaryDifference.UnknownServer),
        new("@", BinaryDifference.UnknownServer),

        new("user_x@s.whatsapp.net", BinaryDifference.MalformedJid),
        new("15551234567:abc@s.whatsapp.net", BinaryDifference.MalformedJid),
        new("15551234567:@s.whatsapp.net", BinaryDifference.MalformedJid),
        new("15551234567:02@s.whatsapp.net", BinaryDifference.MalformedJid),
        new("15551234567:-1@s.whatsapp.net", BinaryDifference.MalformedJid),
        new("15551234567:1:2@s.whatsapp.net", BinaryDifference.MalformedJid),
        new("15551234567:70000@s.whatsapp.net", BinaryDifference.MalformedJid),
        new(":3@s.whatsapp.net", BinaryDifference.MalformedJid),
        new("15551234567_0:2@s.whatsapp.net", BinaryDifference.MalformedJid),
        new("123@interop", BinaryDifference.MalformedJid),

        new("15551234567:300@s.whatsapp.net", BinaryDifference.DeviceAbove255),
        new("123456789012345:256@lid", BinaryDifference.DeviceAbove255),

        new("15551234567_5@s.whatsapp.net", BinaryDifference.AgentWithoutDevice),

        new("15551234567_1:2@s.whatsapp.net", BinaryDifference.AgentCollidesWithDomain),
        new("15551234567_128:2@s.whatsapp.net", BinaryDifference.AgentCollidesWithDomain),
        new("123456789012345_3:2@lid", BinaryDifference.AgentCollidesWithDomain),

        new("120363012345678901:2@g.us", BinaryDifference.DeviceOnNonAdServer),
        new("status:1@broadcast", BinaryDifference.DeviceOnNonAdServer),
        new("15551234567:3@c.us", BinaryDifference.DeviceOnNonAdServer),

        new("123:4@msgr", BinaryDifference.MessengerJid),
        new("123:0@msgr", BinaryDifference.MessengerJid),
        new("123:300@msgr", BinaryDifference.MessengerJid),

        new("5-123:2@interop", BinaryDifference.InteropJid),
        new("65535-1234567890:65535@interop", BinaryDifference.InteropJid),

        new("constructor", BinaryDifference.PrototypeName),
        new("toString", BinaryDifference.PrototypeName),
        new("__proto__", BinaryDifference.PrototypeName),
        new("hasOwnProperty", BinaryDifference.PrototypeName),
    ];

    /// <summary>
    /// Strings both encoders write the same way (AD_JID with the agent in the domain byte) but the two
    /// decoders read differently: Baileys drops the agent.
    /// </summary>
    public static IReadOnlyList<string> AgentDroppedByBaileysDecoder { get; } =
    [
        "15551234567_5:2@s.whatsapp.net",
        "15551234567_255:1@s.whatsapp.net",
    ];
}
