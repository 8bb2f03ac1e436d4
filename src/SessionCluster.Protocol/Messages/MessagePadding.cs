using System.Security.Cryptography;

namespace SessionCluster.Protocol.Messages;

/// <summary>
/// WhatsApp pads every serialized <c>Message</c> before Signal encryption (docs/PROTOCOL.md §9): n bytes, each
/// equal to n, with n random in 1..16. Padding belongs to the message layer, so the ratchet never sees
/// or strips it.
/// </summary>
public static class MessagePadding
{
    public const int MaxPadding = 16;

    /// <summary>The message followed by 1..16 random-length padding bytes (Baileys' range; whatsmeow uses 1..15).</summary>
    public static byte[] Pad(ReadOnlySpan<byte> message)
    {
        var padding = RandomNumberGenerator.GetInt32(1, MaxPadding + 1);
        return Pad(message, padding);
    }

    /// <summary>The message followed by <paramref name="padding"/> bytes of value <paramref name="padding"/>.</summary>
    public static byte[] Pad(ReadOnlySpan<byte> message, int padding)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(padding, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(padding, byte.MaxValue);
        var padded = new byte[message.Length + padding];
        message.CopyTo(padded);
        padded.AsSpan(message.Length).Fill((byte)padding);
        return padded;
    }

    /// <summary>
    /// Strips the padding. Strict like whatsmeow: the last byte n must be 1..length and all n bytes must
    /// equal n; anything else is refused rather than guessed at.
    /// </summary>
    public static bool TryUnpad(ReadOnlyMemory<byte> padded, out ReadOnlyMemory<byte> message)
    {
        message = ReadOnlyMemory<byte>.Empty;
        var span = padded.Span;
        if (span.IsEmpty)
        {
            return false;
        }

        var padding = span[^1];
        if (padding == 0 || padding > span.Length || span[^padding..].ContainsAnyExcept(padding))
        {
            return false;
        }

        message = padded[..^padding];
        return true;
    }
}
